"""The run's words in templates: `check_words`, `reader_warnings` and the grouping's heading levels."""

from django.template.loader import render_to_string

from audits.reports.run.groupings import SCREENING, grouping_sections
from audits.templatetags.run_words import check_words, reader_warnings
from tests.audits.reports.run.test_groupings import CONFIG, DOCUMENT


def _grouping_html(**context) -> str:
    (section,) = grouping_sections(DOCUMENT, CONFIG, charts="none")
    return render_to_string(
        "reports/includes/grouping.html",
        {"section": section, "screening": SCREENING, "number": "3.1.1", **context},
    )


def test_the_report_keeps_its_heading_levels():
    html = _grouping_html()
    assert '<h4 class="bm3">3.1.1&ensp;By sex</h4>' in html
    assert "<h5>LL144 table" in html


def test_the_run_page_puts_the_grouping_under_its_h1():
    html = _grouping_html(page=True, level=2)
    assert '<h2 class="h5">By sex' in html and "<h3>LL144 table" in html
    assert "<h4" not in html and "<h5" not in html


def test_the_no_flag_box_names_checks_in_words():
    passing = {**DOCUMENT, "checks": [c for c in DOCUMENT["checks"] if c["name"] == "dpr"]}
    (section,) = grouping_sections(passing, CONFIG, charts="none")
    html = render_to_string(
        "reports/includes/grouping.html", {"section": section, "screening": SCREENING}
    )
    assert (
        "PASS: every check on this grouping passes (selection-rate ratio (demographic parity) ≥ 0.3)"
        in html
    )
    assert "demographic_parity" not in html


def test_the_filters_are_the_label_and_warning_helpers():
    assert check_words({"metric": "impact_ratio", "comparison": ">=", "threshold": 0.8}) == (
        "selection-rate impact ratio ≥ 0.8"
    )
    assert reader_warnings("not a document") == []
    assert reader_warnings({"groupings": [], "checks": [], "warnings": ["a", "a"]}) == ["a"]
