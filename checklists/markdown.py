"""Guidance text is Markdown written by staff; it is rendered to HTML and then sanitised with nh3."""

import functools
import threading

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


_converters = threading.local()


def _converter() -> markdown_lib.Markdown:
    # Building a Markdown object (its extensions, patterns and processors) cost more than
    # converting a short note: the report page rendered 43 texts and built 43 of them, a fifth
    # of its time. One per thread, because a Markdown object keeps state while it converts.
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = markdown_lib.Markdown(extensions=EXTENSIONS, output_format="html")
        _converters.markdown = converter
    return converter


def render_markdown(text: str | None) -> SafeString:
    """Markdown to HTML that is safe to show: no scripts, styles, event handlers or javascript: URLs.

    Links get rel="noopener noreferrer". Headings h1-h2 lose their tag (guidance sits under the
    question, so it starts at h3).
    """
    if not text:
        return SafeString("")
    return _rendered(text)


@functools.lru_cache(maxsize=1024)
def _rendered(text: str) -> SafeString:
    # A pure function of the text: the same guidance and notes, shown on every page view, are
    # converted and cleaned once per process (the result is an immutable string).
    html = _converter().reset().convert(text)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    # Safe because nh3 has just removed every script, handler and unsafe URL from it.
    return mark_safe(cleaned)  # noqa: S308  # nosec B308 B703
