"""Guidance text is Markdown written by staff; it is rendered to HTML and then sanitised with nh3."""

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "ul", "ol", "li", "strong", "em", "b", "i", "code", "pre", "a", "blockquote",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["tables", "fenced_code", "sane_lists"]


def render_markdown(text: str | None) -> SafeString:
    """Markdown to HTML that is safe to show: no scripts, styles, event handlers or javascript: URLs.

    Links get rel="noopener noreferrer". Headings h1-h2 lose their tag (guidance sits under the
    question, so it starts at h3).
    """
    if not text:
        return SafeString("")
    html = markdown_lib.markdown(text, extensions=EXTENSIONS, output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    # Safe because nh3 has just removed every script, handler and unsafe URL from it.
    return mark_safe(cleaned)  # noqa: S308  # nosec B308 B703
