"""The report URLs: access like every audit page, attachments with sensible names."""

import json

import pytest
from django.urls import reverse

DOWNLOADS = {
    "report_pdf": ("application/pdf", "pdf", b"%PDF-"),
    "export_json": ("application/json", "json", b"{"),
    "answers_csv": ("text/csv; charset=utf-8", "csv", b"\xef\xbb\xbfprinciple,code"),
    "metrics_csv": ("text/csv; charset=utf-8", "csv", b"\xef\xbb\xbfrun_id,run_number"),
}
ALL_URLS = ["report", *DOWNLOADS]


@pytest.mark.parametrize("name", ALL_URLS)
def test_outsider_gets_404_on_every_report_url(outsider_client, audit, name):
    response = outsider_client.get(reverse(f"audits:{name}", kwargs={"pk": audit.pk}))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ALL_URLS)
def test_anonymous_user_is_sent_to_log_in(client, audit, name):
    url = reverse(f"audits:{name}", kwargs={"pk": audit.pk})

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ALL_URLS)
def test_unknown_audit_is_404(viewer_client, name):
    response = viewer_client.get(reverse(f"audits:{name}", kwargs={"pk": 999_999}))

    assert response.status_code == 404


@pytest.mark.parametrize("name", list(DOWNLOADS))
def test_viewer_downloads_each_format_as_an_attachment(viewer_client, audit, name):
    content_type, extension, start = DOWNLOADS[name]

    response = viewer_client.get(reverse(f"audits:{name}", kwargs={"pk": audit.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    suffix = {"answers_csv": "-answers", "metrics_csv": "-metrics"}.get(name, "")
    expected = f'attachment; filename="audit-{audit.pk}-{audit.title.lower().replace(" ", "-")}{suffix}.{extension}"'
    assert response["Content-Disposition"] == expected
    assert response.content.startswith(start)
    assert "X-Snapshot-SHA256" not in response  # a draft is rendered fresh, never sealed


def test_report_page_shows_the_report_and_the_download_buttons(viewer_client, demo_audit):
    response = viewer_client.get(reverse("audits:report", kwargs={"pk": demo_audit.pk}))

    assert response.status_code == 200
    html = response.content.decode()
    for name in DOWNLOADS:
        assert reverse(f"audits:{name}", kwargs={"pk": demo_audit.pk}) in html
    assert "Executive summary" in html and "LL144 table" in html
    assert html.count("<svg") >= 4  # the radar and one chart per grouping, inline
    assert "report-chart:" not in html
    assert "a screening threshold, not a verdict of fairness" in html


def test_json_download_is_the_export_document(viewer_client, demo_audit):
    response = viewer_client.get(reverse("audits:export_json", kwargs={"pk": demo_audit.pk}))

    document = json.loads(response.content)
    assert document["schema"] == "audit-export/1"
    assert document["audit"]["id"] == demo_audit.pk


def test_report_page_states_run_warnings_in_words_not_check_slugs(viewer_client, demo_audit):
    from audits.models import FairnessRun

    run = FairnessRun.objects.get(dataset__audit=demo_audit)
    run.result["warnings"] += [
        "Check 'four_fifths' on sex is inconclusive: needs more data.",
        "Check 'four_fifths_scoring' on sex is inconclusive: needs more data.",
    ]
    run.save(update_fields=["result"])
    html = viewer_client.get(
        reverse("audits:report", kwargs={"pk": demo_audit.pk})
    ).content.decode()
    assert "Selection-rate impact ratio ≥ 0.8 on sex is inconclusive: needs more data." in html
    assert "Scoring impact ratio (score above the median) ≥ 0.8 on sex is inconclusive" in html
    assert "Check 'four_fifths" not in html
