"""Error bodies are JSON with a code (never an HTML page under /api/), the schema cannot drift from
the code, the docs load offline under the site's CSP, and exports follow the report pages' rules."""

import io
import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from api.errors import server_error
from audits.models import AuditStatus

from .conftest import error_code, read_download

SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


def test_an_unknown_api_address_is_a_json_404(api_owner, client):
    response = api_owner.get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and error_code(response) == "not_found"
    assert client.get("/api/nothing").status_code == 404
    assert "json" in client.get("/api/nothing")["Content-Type"]
    assert "text/html" in client.get("/no-such-page/")["Content-Type"]  # the site's own 404


def test_a_server_error_under_api_is_json():
    response = server_error(RequestFactory().get("/api/v1/audits/"))
    assert response.status_code == 500 and b'"code": "error"' in response.content


def test_validation_errors_are_400_per_field(api_owner, checklist_version):
    response = api_owner.post(reverse("api:audit_list"), {"team": "credit-team"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert {"title", "system_name", "checklist_version"} <= {e["attr"] for e in body["errors"]}


def test_create_update_submit_and_review_through_the_api(
    api_auditor, api_reviewer, checklist_version
):
    created = api_auditor.post(
        reverse("api:audit_list"),
        {
            "team": "credit-team",
            "title": "Loan model",
            "system_name": "Scorer",
            "checklist_version": checklist_version.pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    audit = created.json()
    assert audit["status"] == "draft" and audit["scores"]["completion"] == 0
    assert {p["code"] for p in audit["scores"]["principles"]} >= {"fairness"}
    url = reverse("api:audit_detail", kwargs={"pk": audit["id"]})
    assert api_auditor.patch(url, {"title": "Loan model v2"}, format="json").json()["title"] == (
        "Loan model v2"
    )
    submit = reverse("api:audit_submit", kwargs={"pk": audit["id"]})
    refused = api_auditor.post(submit)
    assert refused.status_code == 400 and error_code(refused) == "audit_incomplete"
    assert refused.json()["missing"]
    for row in api_auditor.get(reverse("api:answer_list", kwargs={"pk": audit["id"]})).json():
        answer = reverse(
            "api:answer_detail", kwargs={"pk": audit["id"], "question_pk": row["question"]}
        )
        assert (
            api_auditor.put(answer, {"value": "yes", "revision": 0}, format="json").status_code
            == 200
        )
    assert api_auditor.post(submit).json()["status"] == "in_review"
    reviews = reverse("api:audit_reviews", kwargs={"pk": audit["id"]})
    unknown = api_reviewer.post(
        reviews,
        {"decision": "changes_requested", "principle_comments": {"nope": "x"}},
        format="json",
    )
    assert unknown.status_code == 400
    sent_back = api_reviewer.post(
        reviews,
        {"decision": "changes_requested", "principle_comments": {"fairness": "Add the DPIA."}},
        format="json",
    )
    assert sent_back.status_code == 201
    assert api_auditor.get(url).json()["status"] == "changes_requested"
    listed = api_auditor.get(reverse("api:audit_list"), {"status": "changes_requested"}).json()
    assert [a["id"] for a in listed["results"]] == [audit["id"]]
    assert api_auditor.get(reverse("api:audit_list"), {"team": "nope"}).status_code == 400


def test_exports_are_attachments_and_503_while_sealing(api_viewer, audit):
    response = api_viewer.get(reverse("api:answers_csv", kwargs={"pk": audit.pk}))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    coverage = api_viewer.get(reverse("api:coverage_csv", kwargs={"pk": audit.pk}))
    assert coverage.status_code == 200 and coverage.content.startswith(b"framework,part,subject")
    export = api_viewer.get(
        reverse("api:export_json", kwargs={"pk": audit.pk}), HTTP_ACCEPT="application/json"
    )
    assert export.status_code == 200 and b"audit-export/1" in export.content
    audit.status = AuditStatus.APPROVED
    audit.save()
    for name in ("api:report_pdf", "api:export_json"):
        sealing = api_viewer.get(reverse(name, kwargs={"pk": audit.pk}), HTTP_ACCEPT="*/*")
        assert sealing.status_code == 503 and sealing["Retry-After"] == "5"
        assert error_code(sealing) == "report_being_sealed"


def test_the_checked_in_schema_is_the_one_the_code_generates():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert out.getvalue() == SCHEMA_FILE.read_text(), (
        "docs/openapi.yaml is out of date: run "
        "`manage.py spectacular --validate --file docs/openapi.yaml`"
    )


def test_the_docs_load_from_this_site_only_under_the_csp(client):
    for name in ("api:docs", "api:redoc"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        page = response.content.decode()
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S)
        assert scripts and all('src="/' in attrs and not body.strip() for attrs, body in scripts)
        assert "googleapis" not in page and "cdn" not in page.lower()
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
        for src in re.findall(r'src="([^"]+)"', page):
            static = client.get(src)
            assert static.status_code == 200, src
            if static.streaming:
                read_download(static)
    assert "worker-src 'self' blob:" in client.get(reverse("api:redoc"))["Content-Security-Policy"]
    script = client.get(reverse("api:docs"), {"script": ""})
    assert script["Content-Type"].startswith("application/javascript")
    schema = client.get(reverse("api:schema"))
    assert schema.status_code == 200 and b"/api/v1/audits/" in schema.content
