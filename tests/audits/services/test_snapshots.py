"""Sealed snapshots: stored on approval with their SHA-256, served as they are, verifiable."""

import hashlib
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from pypdf import PdfReader

from audits.models import Answer, ReportSnapshot, SnapshotKind
from audits.services import snapshots as snapshot_services
from audits.services.snapshots import snapshot_verify, snapshots_seal
from checklists.models import Principle
from tests.audits.reports.data import approve


@pytest.fixture
def sealed(demo_audit, reviewer):
    approve(demo_audit, reviewer=reviewer)
    demo_audit.refresh_from_db()
    snapshots = snapshots_seal(audit=demo_audit)
    return demo_audit, {s.kind: s for s in snapshots}


def _stored(snapshot) -> bytes:
    with snapshot.file.open("rb") as handle:
        return handle.read()


def test_seal_stores_the_pdf_and_the_json_with_their_sha256(sealed, private_media):
    audit, snapshots = sealed

    assert set(snapshots) == {"pdf", "json"}
    for snapshot in snapshots.values():
        content = _stored(snapshot)
        assert hashlib.sha256(content).hexdigest() == snapshot.sha256
        assert snapshot.size == len(content)
        assert (private_media / snapshot.file.name).is_file()  # private storage, not static
    assert _stored(snapshots["pdf"]).startswith(b"%PDF-")
    document = json.loads(_stored(snapshots["json"]))
    assert document["audit"]["status"] == "approved"
    assert document["reviews"][0]["decision"] == "approved"


def test_sealed_pdf_appendix_shows_the_json_hash(sealed):
    _, snapshots = sealed

    reader = PdfReader(io.BytesIO(_stored(snapshots["pdf"])))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")

    assert snapshots["json"].sha256 in text
    assert "Approved" in text


def test_sealed_pdf_ends_the_reviews_with_the_sign_off_and_the_json_hash(sealed, reviewer):
    audit, snapshots = sealed

    reader = PdfReader(io.BytesIO(_stored(snapshots["pdf"])))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    page = next(p for p in pages if "Sign-off" in p and "Signed off: approved by" in p)

    name = reviewer.get_full_name() or reviewer.get_username()
    assert f"Signed off: approved by {name} on {audit.approved_at:%-d %b %Y}" in page
    assert "Approved: the remaining action is tracked." in page  # the approving review's comment
    assert snapshots["json"].sha256[:32] in page.replace(" ", "")
    assert "sha256sum" in page and "Get-FileHash" in page
    assert "cannot print its own SHA-256" in page  # and says where the PDF's hash is
    assert "Not signed off" not in " ".join(pages)
    assert "manage.py" not in " ".join(pages)


def test_report_page_of_an_approved_audit_shows_both_hashes_in_the_sign_off(viewer_client, sealed):
    audit, snapshots = sealed

    html = viewer_client.get(reverse("audits:report", kwargs={"pk": audit.pk})).content.decode()
    signoff = html[html.index('id="signoff"') :]

    assert snapshots["json"].sha256 in signoff and snapshots["pdf"].sha256 in signoff
    assert "cannot print its own" not in signoff  # only the PDF says so


def test_seal_is_idempotent_and_never_rewrites(sealed):
    audit, snapshots = sealed
    before = {kind: (s.pk, s.sha256, _stored(s)) for kind, s in snapshots.items()}

    again = {s.kind: s for s in snapshots_seal(audit=audit)}

    assert {kind: (s.pk, s.sha256, _stored(s)) for kind, s in again.items()} == before
    assert ReportSnapshot.objects.filter(audit=audit).count() == 2


def test_seal_completes_a_missing_kind_without_touching_the_other(sealed):
    audit, snapshots = sealed
    json_before = (snapshots["json"].pk, _stored(snapshots["json"]))
    snapshots["pdf"].file.delete(save=False)
    snapshots["pdf"].delete()

    again = {s.kind: s for s in snapshots_seal(audit=audit)}

    assert (again["json"].pk, _stored(again["json"])) == json_before
    assert _stored(again["pdf"]).startswith(b"%PDF-")


def test_an_audit_that_is_not_approved_is_not_sealed(demo_audit):
    with pytest.raises(ValidationError):
        snapshots_seal(audit=demo_audit)

    assert not ReportSnapshot.objects.filter(audit=demo_audit).exists()


@pytest.mark.parametrize(("name", "kind"), [("report_pdf", "pdf"), ("export_json", "json")])
def test_downloads_of_an_approved_audit_serve_the_sealed_file(viewer_client, sealed, name, kind):
    audit, snapshots = sealed

    response = viewer_client.get(reverse(f"audits:{name}", kwargs={"pk": audit.pk}))

    assert response.status_code == 200
    assert response.content == _stored(snapshots[kind])
    assert response["X-Snapshot-SHA256"] == snapshots[kind].sha256


@pytest.mark.parametrize(("name", "kind"), [("report_pdf", "pdf"), ("export_json", "json")])
def test_sealed_files_do_not_change_when_the_checklist_or_answers_change_later(
    viewer_client, sealed, name, kind
):
    audit, snapshots = sealed
    sealed_bytes = _stored(snapshots[kind])
    # A later data fix and a renamed principle (principles are shared by every version).
    Answer.objects.filter(audit=audit, question__code="FAIR-01").update(
        value="no", note_md="Changed after approval."
    )
    Principle.objects.filter(code="fairness").update(name="Equity")
    with connection.cursor() as cursor:  # even a direct edit of the pinned question's text
        cursor.execute(
            "UPDATE checklists_question SET text = %s WHERE code = %s AND version_id = %s",
            ["Edited after approval?", "FAIR-02", audit.checklist_version_id],
        )

    response = viewer_client.get(reverse(f"audits:{name}", kwargs={"pk": audit.pk}))

    assert response.content == sealed_bytes
    assert hashlib.sha256(response.content).hexdigest() == snapshots[kind].sha256
    fresh = viewer_client.get(reverse("audits:report", kwargs={"pk": audit.pk}))
    assert "Equity" in fresh.content.decode()  # the live page does change
    assert b"Equity" not in sealed_bytes


def test_snapshot_verify_recomputes_the_hashes(sealed):
    audit, snapshots = sealed

    results = snapshot_verify(audit=audit)

    assert results == [
        ("json", snapshots["json"].sha256, snapshots["json"].sha256, True),
        ("pdf", snapshots["pdf"].sha256, snapshots["pdf"].sha256, True),
    ]


def test_verify_snapshot_command_says_the_files_match(sealed):
    audit, snapshots = sealed
    out = io.StringIO()

    call_command("verify_snapshot", str(audit.pk), stdout=out)

    assert f"pdf: OK  sha256 {snapshots['pdf'].sha256}" in out.getvalue()
    assert f"json: OK  sha256 {snapshots['json'].sha256}" in out.getvalue()
    assert "All 2 sealed files" in out.getvalue()


def test_verify_snapshot_command_fails_on_a_tampered_file(sealed, private_media):
    audit, snapshots = sealed
    (private_media / snapshots["json"].file.name).write_bytes(b'{"tampered": true}')
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 of 2 sealed file"):
        call_command("verify_snapshot", str(audit.pk), stdout=out)

    assert "json: MISMATCH" in out.getvalue() and "pdf: OK" in out.getvalue()


def test_verify_snapshot_command_fails_on_a_missing_file(sealed, private_media):
    audit, snapshots = sealed
    (private_media / snapshots["pdf"].file.name).unlink()
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("verify_snapshot", str(audit.pk), stdout=out)

    assert "pdf: MISSING" in out.getvalue()


def test_verify_snapshot_command_on_an_unsealed_or_unknown_audit(demo_audit):
    with pytest.raises(CommandError, match="no sealed snapshot"):
        call_command("verify_snapshot", str(demo_audit.pk))
    with pytest.raises(CommandError, match="There is no audit"):
        call_command("verify_snapshot", "999999")


def test_report_links_show_the_sealed_hashes_of_an_approved_audit(sealed, rf, viewer):
    audit, snapshots = sealed

    html = render_to_string(
        "audits/includes/report_links.html",
        {"audit": audit, "snapshots": list(snapshots.values())},
    )

    assert snapshots["pdf"].sha256 in html and snapshots["json"].sha256 in html
    assert reverse("audits:report_pdf", kwargs={"pk": audit.pk}) in html
    # How a reader checks a downloaded file, not a command of the app's developers.
    for command in ("sha256sum", "shasum -a 256", "Get-FileHash", "-Algorithm SHA256"):
        assert command in html, command
    assert "manage.py" not in html and "verify_snapshot" not in html


def test_report_page_of_an_approved_audit_lists_both_hashes(viewer_client, sealed):
    audit, snapshots = sealed

    html = viewer_client.get(reverse("audits:report", kwargs={"pk": audit.pk})).content.decode()

    assert snapshots["pdf"].sha256 in html and snapshots["json"].sha256 in html


# -- while the sealing job runs -------------------------------------------------------------------


@pytest.fixture
def approved_unsealed(demo_audit, reviewer):
    """Approved, its sealing job not run yet (it starts after the approval commits)."""
    approve(demo_audit, reviewer=reviewer)
    return demo_audit


@pytest.mark.parametrize("name", ["report_pdf", "export_json"])
def test_downloads_of_an_approved_audit_never_serve_an_unsealed_file(
    viewer_client, approved_unsealed, name
):
    response = viewer_client.get(reverse(f"audits:{name}", kwargs={"pk": approved_unsealed.pk}))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"being sealed" in response.content
    assert not ReportSnapshot.objects.filter(
        audit=approved_unsealed
    ).exists()  # a GET seals nothing


@pytest.mark.parametrize("name", ["detail", "report"])
def test_pages_say_the_report_is_being_sealed_until_it_is(viewer_client, approved_unsealed, name):
    url = reverse(f"audits:{name}", kwargs={"pk": approved_unsealed.pk})

    assert "Sealing the report…" in viewer_client.get(url).content.decode()
    snapshots_seal(audit=approved_unsealed)
    body = viewer_client.get(url).content.decode()
    assert "Sealing the report…" not in body
    assert "(sealed)" in body


@pytest.mark.parametrize("name", ["detail", "report"])
def test_pages_keep_saying_sealing_while_only_the_json_is_stored(
    viewer_client, approved_unsealed, name
):
    # The job stores the JSON first and the PDF seconds later: until both are there the page
    # must not call the audit sealed, since the PDF download still answers 503.
    snapshot_services._store(approved_unsealed, SnapshotKind.JSON, b"{}")
    body = viewer_client.get(reverse(f"audits:{name}", kwargs={"pk": approved_unsealed.pk}))

    assert "Sealing the report…" in body.content.decode()
    assert "(sealed)" not in body.content.decode()
    assert 'data-reload-after="3000"' in body.content.decode()


def test_a_seal_that_loses_a_race_keeps_the_first_file_and_discards_its_own(
    approved_unsealed, private_media
):
    first = {s.kind: s for s in snapshots_seal(audit=approved_unsealed)}
    files = sorted(p for p in private_media.rglob("*") if p.is_file())

    # A second job that read "not sealed" before the first stored: the constraint refuses its row.
    kept = snapshot_services._store(approved_unsealed, SnapshotKind.JSON, b'{"rendered": "later"}')

    assert (kept.pk, kept.sha256) == (first["json"].pk, first["json"].sha256)
    assert sorted(p for p in private_media.rglob("*") if p.is_file()) == files
    assert all(ok for *_, ok in snapshot_verify(audit=approved_unsealed))
