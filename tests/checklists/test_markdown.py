"""Guidance Markdown renders to HTML with everything dangerous removed."""

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from checklists.markdown import render_markdown


def test_common_markdown_renders():
    html = render_markdown("Look for **counts** and *rates*:\n\n- per group\n- per split\n\n`code`")
    assert "<strong>counts</strong>" in html
    assert "<em>rates</em>" in html
    assert "<li>per group</li>" in html
    assert "<code>code</code>" in html
    assert isinstance(html, SafeString)


def test_tables_and_code_blocks_render():
    html = render_markdown("| group | rate |\n|---|---|\n| A | 0.4 |\n\n```\nx < 1\n```")
    assert "<table>" in html and "<td>0.4</td>" in html
    assert "<pre><code>x &lt; 1\n</code></pre>" in html


def test_links_keep_href_and_get_rel_noopener():
    html = render_markdown("[NIST](https://www.nist.gov/itl/ai-risk-management-framework)")
    assert html == (
        '<p><a href="https://www.nist.gov/itl/ai-risk-management-framework" '
        'rel="noopener noreferrer">NIST</a></p>'
    )


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("Hi <script>alert('x')</script> there", "<script"),
        ("Hi <script>alert('x')</script> there", "alert"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<a href="/x" onclick="steal()">x</a>', "onclick"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ("<style>body{display:none}</style>text", "display:none"),
        ('<p style="position:fixed">x</p>', "style"),
        ('<iframe src="https://evil.example"></iframe>', "iframe"),
    ],
)
def test_dangerous_html_is_stripped(source, forbidden):
    assert forbidden.lower() not in render_markdown(source).lower()


def test_top_level_headings_lose_their_tag():
    assert render_markdown("# Big\n\n### Small") == "Big\n<h3>Small</h3>"


@pytest.mark.parametrize("text", ["", None])
def test_empty_guidance_renders_nothing(text):
    assert render_markdown(text) == ""


def test_template_filter_renders_sanitised_markdown():
    template = Template("{% load markdown_extras %}{{ text|markdown }}")
    html = template.render(Context({"text": "**Evidence** <script>x()</script>"}))
    assert html == "<p><strong>Evidence</strong> </p>"


def test_a_reused_converter_carries_nothing_from_one_text_to_the_next():
    # One Markdown object per thread converts every text: a reference defined in one note must
    # not resolve a link in another (reset() between conversions), and the same text renders
    # the same each time (cached).
    defined = render_markdown("See [the policy][p].\n\n[p]: https://example.org/policy")
    assert 'href="https://example.org/policy"' in defined
    later = render_markdown("Also [the policy][p].")
    assert "href" not in later and "[the policy][p]" in later
    assert render_markdown("Also [the policy][p].") == later
