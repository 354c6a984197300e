"""The report's chapters: numbered in the contents (the compare chapter too), and which ones flow on
from the previous page in print instead of starting a new one."""

import dataclasses

import pytest

from audits.reports.builder import build_report
from audits.reports.pdf import SHORT_CHAPTER_ROWS, render_report_html, report_outline
from tests.audits.reaudit_data import make_reaudit


@pytest.fixture
def reaudit(team, owner, auditor, reviewer, django_capture_on_commit_callbacks):
    people = {"team": team, "owner": owner, "auditor": auditor, "reviewer": reviewer}
    return make_reaudit(**people, capture=django_capture_on_commit_callbacks)[1]


def test_contents_of_a_re_audit_list_the_compare_chapter_before_the_reviews(reaudit):
    report = build_report(reaudit, charts=False)

    outline = report_outline(report)
    ids = [chapter["id"] for chapter in outline]
    numbers = {chapter["id"]: chapter["number"] for chapter in outline}
    html = render_report_html(report)

    assert ids.index("fairness") + 1 == ids.index("compare") == ids.index("reviews") - 1
    assert int(numbers["compare"]) == int(numbers["fairness"]) + 1
    assert int(numbers["reviews"]) == int(numbers["compare"]) + 1
    toc = html[html.index('<nav class="toc"') : html.index("</nav>")]
    assert f'href="#compare">{numbers["compare"]}&ensp;Compared with the earlier audit' in toc
    assert f"{numbers['compare']}&ensp;Compared with the earlier audit</h2>" in html


def test_an_audit_that_is_no_re_audit_has_no_compare_chapter(audit):
    outline = report_outline(build_report(audit, charts=False))

    assert "compare" not in [chapter["id"] for chapter in outline]


def test_short_chapters_flow_on_and_the_long_ones_start_a_page(demo_audit):
    report = build_report(demo_audit, charts=False)

    flows = {chapter["id"]: chapter["flow"] for chapter in report_outline(report)}
    html = render_report_html(report)

    principles = [f"principle-{p.code}" for p in report.principles]
    assert all(flows[p] for p in principles)  # so no page holds a principle's last question
    assert flows["summary"] is False
    assert flows["fairness"] is False  # it has a run: tables and charts over several pages
    assert flows["reviews"] is True  # one review and two actions
    assert flows["appendix"] is True
    assert '<section class="chapter flow" id="reviews"' in html
    assert '<section class="chapter" id="fairness"' in html


def test_fairness_without_a_run_flows_and_many_reviews_start_a_page(demo_audit, audit):
    report = build_report(demo_audit, charts=False)
    many = dataclasses.replace(report, reviews=report.reviews * (SHORT_CHAPTER_ROWS + 1))

    assert {c["id"]: c["flow"] for c in report_outline(many)}["reviews"] is False
    no_runs = {c["id"]: c["flow"] for c in report_outline(build_report(audit, charts=False))}
    assert no_runs["fairness"] is True
