"""The PDF: read back with pypdf, it holds the scores, principles and fairness figures."""

import html
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from audits.models import FairnessRun
from audits.reports.builder import build_report
from audits.reports.pdf import LocalOnlyFetcher, render_report_html, render_report_pdf

A4 = (595, 842)  # points


def _pdf(audit) -> tuple[PdfReader, str, list[str]]:
    reader = PdfReader(io.BytesIO(render_report_pdf(build_report(audit))))
    pages = [page.extract_text() for page in reader.pages]
    text = re.sub(r"\s+", " ", " ".join(pages))
    return reader, text, pages


@pytest.fixture
def demo_pdf(demo_audit):
    return _pdf(demo_audit)


def test_demo_pdf_text_holds_scores_principles_and_fairness_figures(demo_audit, demo_pdf):
    _, text, _ = demo_pdf
    report = build_report(demo_audit, charts=False)

    assert f"{report.overall_score:.0f} Overall score" in text
    for principle in report.principles:
        assert principle.name in text
        assert f"Score {principle.score:.0f}" in text
    # The Adult predictions: selection rate 0.079 for women and 0.249 for men, impact ratio 0.32.
    assert "Female" in text and "Male" in text
    for figure in ("0.079", "0.249", "0.32", "0.072–0.086", "16,281"):
        assert figure in text, figure
    assert "Selection rate by sex" in text  # the chart's own text, kept as text in the PDF
    assert "a screening threshold, not a verdict of fairness" in text
    assert "unfair" not in text.lower()


def test_run_page_and_pdf_show_the_same_flag_sentences(demo_audit, demo_pdf, viewer_client):
    _, text, _ = demo_pdf
    (run,) = build_report(demo_audit, charts=False).runs
    page = viewer_client.get(
        reverse("audits:run_detail", args=[demo_audit.pk, run.id])
    ).content.decode()
    page_text = re.sub(r"\s+", " ", html.unescape(page))

    by_sex = run.groupings[0]
    assert by_sex.flags[0].text.startswith(
        "Selection-rate impact ratio 0.32 for Female is below the 0.8"
    )
    assert "off by 0.48" in by_sex.flags[0].text
    for flag in by_sex.flags:
        assert f"{flag.text}." in page_text, flag.text
        assert f"{flag.text}." in text, flag.text


def test_demo_pdf_holds_the_ll144_table_with_exclusions_and_justification(demo_pdf):
    _, text, _ = demo_pdf

    assert "LL144 table: selection and scoring rates and impact ratios by race" in text
    assert "Excluded: Amer-Indian-Eskimo, Other." in text
    assert "Justification: Groups under 2% of the rows are left out" in text
    assert "Unknown: 0 rows had no value for race" in text


def test_pdf_is_a4_with_running_header_page_numbers_and_contents(demo_audit, demo_pdf):
    reader, text, pages = demo_pdf
    total = len(reader.pages)

    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == A4
    assert "Page" not in pages[0]  # the cover has no header or footer
    for number, page_text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {total}" in page_text
        assert "Income model fairness audit" in page_text and "In review" in page_text
    assert "Contents" in pages[1] and "Executive summary" in pages[1]
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "1 Executive summary" in [re.sub(r"\s+", " ", title) for title in outline]
    assert reader.metadata.title.startswith("Income model fairness audit")


def test_pdf_shows_cover_facts_review_history_and_appendix(demo_pdf):
    _, text, _ = demo_pdf

    for expected in (
        "Fairness audit report",
        "Adult census income classifier",
        "Credit team",
        "AI ethics and fairness audit, version 1",
        "Changes requested",
        "Attach the data bias report for each split",
        "A.3 Framework coverage",
        "EU AI Act",
        "A.4 Library versions",
        "fairlearn 0.15.0",
        "d31611891bad7ece9d48000daeca62ec",  # the predictions file's SHA-256
    ):
        assert expected in text, expected


def test_large_audit_with_three_runs_renders(large_audit):
    reader, text, _ = _pdf(large_audit)
    run_ids = list(
        FairnessRun.objects.filter(dataset__audit=large_audit)
        .order_by("pk")
        .values_list("pk", flat=True)
    )

    assert len(reader.pages) > 20
    for code in ("FAIR-25", "ACC-25", "TRN-25", "HOV-25"):
        assert code in text
    # Each run has one name, its id, in the contents, the headings and the appendix alike.
    for run_id in run_ids:
        assert text.count(f"Run #{run_id}: adult_predictions.csv") >= 2, run_id  # contents, heading
    assert not re.search(r"\bRun [0-9]+:", text)  # never the position in the audit
    assert "By sex x age_group" in text


def test_demo_pdf_ends_the_reviews_with_a_sign_off_that_says_it_is_not_signed(demo_pdf):
    _, text, pages = demo_pdf

    assert "Sign-off" in text
    assert "Not signed off: submitted for review, no decision yet." in text
    assert "latest review: changes requested by" in text
    assert "Good start. The fairness evidence needs the data sheet" in text  # its comment
    signoff_page = next(i for i, page in enumerate(pages) if "Not signed off" in page)
    assert "Name" in pages[signoff_page] and "Signature" in pages[signoff_page]  # one page


def test_pdf_has_no_developer_command_in_the_readers_text(demo_pdf):
    _, text, _ = demo_pdf

    assert "manage.py" not in text
    assert "verify_snapshot" not in text


def test_pdf_template_draws_charts_as_images_and_page_inlines_them(demo_audit):
    report = build_report(demo_audit)

    html = render_report_html(report)

    assert '<img src="report-chart:run-' in html and "<svg" not in html


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/logo.png",
        "https://169.254.169.254/latest/meta-data/",
        "ftp://example.org/x",
        "file:///etc/passwd",
    ],
)
def test_renderer_refuses_every_external_or_private_url(url):
    with pytest.raises(ValueError, match="fetches no external resource"):
        LocalOnlyFetcher().fetch(url)


def test_renderer_serves_its_charts_data_urls_and_static_files(settings):
    fetcher = LocalOnlyFetcher(resources={"report-chart:x.svg": b"<svg/>"})

    assert fetcher.fetch("report-chart:x.svg").read() == b"<svg/>"
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"
    css = settings.BASE_DIR / "static" / "css" / "report.css"
    response = fetcher.fetch(css.as_uri())
    assert b"@page" in response.read()
    response.close()


def test_a_note_with_an_image_does_not_make_the_renderer_fetch_it(demo_audit, monkeypatch):
    from audits.models import Answer

    Answer.objects.filter(audit=demo_audit, question__code="FAIR-01").update(
        note_md="![tracker](http://tracker.example/pixel.png) <img src='http://x.example/a.png'>"
    )
    fetched = []
    original = LocalOnlyFetcher.fetch
    monkeypatch.setattr(
        LocalOnlyFetcher,
        "fetch",
        lambda self, url, headers=None: fetched.append(url) or original(self, url, headers),
    )

    render_report_pdf(build_report(demo_audit))

    assert not [url for url in fetched if "example" in url]
