"""Datasets, fairness runs and metric gates through the API: the pages' limits, rules and services."""

import gzip
import hashlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from audits.models import Answer, AuditStatus, Dataset, FairnessRun, RunStatus
from audits.services.datasets import run_create
from tests.audits.dataset_fixtures import *  # noqa: F403  (the datasets fixtures apply here)
from tests.audits.dataset_fixtures import biased_csv, fair_csv, gated_version, stored_files
from tests.audits.task_gate_data import CLASS_GATE, multiclass_csv

from .conftest import error_code

CONFIG = {
    "mapping": {"y_true": "label", "y_pred": "pred", "sensitive": ["sex"], "pos_label": "1"},
    "options": {"min_group_size": 30},
    "extra_checks": [
        {"metric": "equal_opportunity_difference", "comparison": "<=", "threshold": 0.5}
    ],
}


def _datasets(audit):
    return reverse("api:dataset_list", kwargs={"pk": audit.pk})


def _upload(client, audit, content: bytes, name: str = "predictions.csv"):
    url = reverse("api:dataset_upload", kwargs={"pk": audit.pk, "filename": name})
    return client.put(url, content, content_type="text/csv")


def _start(client, audit, dataset_id: int, config=None):
    url = reverse("api:run_create", kwargs={"pk": audit.pk, "dataset_pk": dataset_id})
    return client.post(url, config or CONFIG, format="json")


def test_a_raw_body_upload_streams_to_disk_and_answers_the_preview(api_auditor, audit, media):
    content = biased_csv()
    response = _upload(api_auditor, audit, content, name="scores.csv")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["original_name"] == "scores.csv" and body["size"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["columns"] == ["sex", "label", "pred", "score"]
    preview = body["preview"]
    assert preview["rows"][0] == ["M", "0", "1", "0.9"] and preview["delimiter"] == ","
    assert preview["guess"]["y_pred"] == "pred" and preview["guess"]["sensitive"] == ["sex"]
    assert response["Location"].endswith(f"/datasets/{body['id']}/")
    dataset = Dataset.objects.get()
    with dataset.file.open("rb") as stored:
        assert stored.read() == content
    listed = api_auditor.get(_datasets(audit)).json()
    assert [d["id"] for d in listed] == [body["id"]]
    detail = api_auditor.get(reverse("api:dataset_detail", args=[audit.pk, body["id"]]))
    assert detail.json()["preview"]["columns"] == body["columns"]


def test_post_takes_a_raw_body_gzip_or_a_multipart_file(api_auditor, audit):
    raw = api_auditor.post(
        _datasets(audit) + "?name=run-7.csv", biased_csv(), content_type="text/csv"
    )
    assert raw.status_code == 201 and raw.json()["original_name"] == "run-7.csv"
    zipped = api_auditor.post(
        _datasets(audit),
        gzip.compress(biased_csv()),
        content_type="application/gzip",
        HTTP_CONTENT_DISPOSITION='attachment; filename="p.csv.gz"',
    )
    assert zipped.status_code == 201, zipped.json()
    assert zipped.json()["original_name"] == "p.csv.gz"
    assert zipped.json()["preview"]["compressed"] is True
    form = api_auditor.post(
        _datasets(audit), {"file": SimpleUploadedFile("m.csv", biased_csv())}, format="multipart"
    )
    assert form.status_code == 201 and form.json()["columns"][0] == "sex"
    assert Dataset.objects.count() == 3


def test_no_file_an_unreadable_file_and_a_file_over_the_limit_are_400(
    api_auditor, audit, media, upload_tmp
):
    empty = api_auditor.post(_datasets(audit), b"", content_type="text/csv")
    assert empty.status_code == 400 and empty.json()["errors"][0]["attr"] == "file"
    junk = _upload(api_auditor, audit, b"\x00\x01\x02 not a csv \xff" * 10)
    assert junk.status_code == 400 and junk.json()["errors"][0]["attr"] == "file"
    with override_settings(DATASET_MAX_BYTES=1000):
        big = _upload(api_auditor, audit, biased_csv())
    assert big.status_code == 400
    error = big.json()["errors"][0]
    assert error["attr"] == "file" and error["code"] == "too_large" and "limit" in error["detail"]
    assert not Dataset.objects.exists()
    assert stored_files(media) == [] and list(upload_tmp.iterdir()) == []


def test_a_run_is_started_with_the_mapping_json_and_answers_the_gates(
    api_auditor, audit, gate_questions
):
    dataset_id = _upload(api_auditor, audit, biased_csv()).json()["id"]
    response = _start(api_auditor, audit, dataset_id)
    assert response.status_code == 201, response.json()
    run = response.json()
    assert run["status"] == "succeeded" and run["done"] and run["progress"] == 1
    assert run["stale"] is False and run["passed"] is False
    assert run["summary"]["checks_failed"] >= 1
    config = run["config"]
    assert config["mapping"]["sensitive"] == ["sex"] and config["options"]["min_group_size"] == 30
    sources = [c["source"] for c in config["checks"]]
    assert sources.count("gate") == 3 and sources[-1] == "extra"
    assert response["Location"].endswith(f"/runs/{run['id']}/")

    result = api_auditor.get(run["result_url"])
    assert result.status_code == 200 and result.json()["schema"] == "fairness-report/1"
    listed = api_auditor.get(reverse("api:run_list", args=[audit.pk])).json()
    assert [r["id"] for r in listed] == [run["id"]]

    gates = api_auditor.get(reverse("api:gate_list", args=[audit.pk])).json()
    by_code = {g["code"]: g for g in gates}
    assert set(by_code) == {"FAIR-G1", "FAIR-G2", "FAIR-G3"}
    g1 = by_code["FAIR-G1"]
    assert g1["value"] == "fail" and g1["run"] == run["id"] and not g1["overridden"]
    assert g1["gate"] == {
        "metric": "impact_ratio",
        "comparison": ">=",
        "threshold": 0.8,
        "task": None,
        "class": None,
    }
    # The gate repeats the four-fifths screen: the run holds it twice, the answer once.
    assert [c["grouping"] for c in g1["checks"]] == ["sex"]
    assert g1["checks"][0]["class"] is None
    assert g1["checks"][0]["verdict"] in {"pass", "fail", "inconclusive"}
    one = api_auditor.get(reverse("api:gate_detail", args=[audit.pk, g1["question"]])).json()
    assert one == g1


def test_a_fair_file_passes(api_auditor, audit):
    dataset_id = _upload(api_auditor, audit, fair_csv()).json()["id"]
    run = _start(api_auditor, audit, dataset_id).json()
    assert run["passed"] is True
    gates = api_auditor.get(reverse("api:gate_list", args=[audit.pk])).json()
    assert "fail" not in {g["value"] for g in gates}


@pytest.mark.parametrize(
    ("change", "attr", "words"),
    [
        ({"mapping": {"y_pred": "nope", "sensitive": ["sex"]}}, "mapping.y_pred", "no column"),
        ({"mapping": {"y_pred": "pred", "sensitive": []}}, "mapping.sensitive", "sensitive"),
        ({"mapping": {"y_pred": "pred", "sensitive": ["pred"]}}, "mapping.sensitive", "pred"),
        ({"mapping": {"y_true": "", "sensitive": ["sex"]}}, "mapping.y_pred", "decision"),
        ({"options": {"exclusion_share": 0.7}}, "options.exclusion_share", "0.5"),
        ({"options": {"four_fifths_threshold": 0}}, "options.four_fifths_threshold", "0.01"),
        ({"options": {"min_group_size": 0}}, "options.min_group_size", "1"),
        ({"options": {"disparity_method": "x"}}, "options.disparity_method", "valid choice"),
        ({"extra_checks": [{"metric": "nope", "threshold": 1}]}, "extra_checks.0.metric", ""),
        ({"extra_checks": [{"metric": "impact_ratio"}]}, "extra_checks.0.threshold", ""),
    ],
)
def test_a_bad_configuration_is_400_on_its_field(api_auditor, audit, change, attr, words):
    dataset_id = _upload(api_auditor, audit, biased_csv()).json()["id"]
    config = {**CONFIG, **change}
    response = _start(api_auditor, audit, dataset_id, config)
    assert response.status_code == 400, response.json()
    errors = {e["attr"]: e["detail"] for e in response.json()["errors"]}
    assert attr in errors, errors
    assert words.lower() in errors[attr].lower(), errors
    assert not FairnessRun.objects.exists()


def test_a_stale_run_shows_failed_and_is_retried_as_a_new_run(api_auditor, audit):
    dataset_id = _upload(api_auditor, audit, biased_csv()).json()["id"]
    first = _start(api_auditor, audit, dataset_id).json()
    long_ago = timezone.now() - timedelta(hours=2)
    FairnessRun.objects.filter(pk=first["id"]).update(
        status=RunStatus.RUNNING, heartbeat_at=long_ago, progress=0.5
    )
    seen = api_auditor.get(reverse("api:run_detail", args=[audit.pk, first["id"]])).json()
    assert seen["status"] == "failed" and seen["stale"] is True
    assert seen["error_code"] == "worker_stopped" and seen["result_url"] is None
    assert (
        FairnessRun.objects.get(pk=first["id"]).status == RunStatus.RUNNING
    )  # a GET writes nothing
    result = api_auditor.get(reverse("api:run_result", args=[audit.pk, first["id"]]))
    assert result.status_code == 409 and error_code(result) == "run_failed"

    retried = api_auditor.post(reverse("api:run_retry", args=[audit.pk, first["id"]]))
    assert retried.status_code == 201, retried.json()
    assert retried.json()["id"] != first["id"] and retried.json()["status"] == "succeeded"
    assert FairnessRun.objects.get(pk=first["id"]).status == RunStatus.FAILED
    again = api_auditor.post(reverse("api:run_retry", args=[audit.pk, retried.json()["id"]]))
    assert again.status_code == 400 and "failed run" in again.json()["errors"][0]["detail"]

    # The run that succeeded stays; so does the failed one, which had answered the gates before
    # its worker (here, the test) stopped it.
    kept = api_auditor.delete(reverse("api:run_detail", args=[audit.pk, retried.json()["id"]]))
    assert kept.status_code == 400 and "Only a failed run" in kept.json()["errors"][0]["detail"]
    linked = api_auditor.delete(reverse("api:run_detail", args=[audit.pk, first["id"]]))
    assert linked.status_code == 400 and "linked" in linked.json()["errors"][0]["detail"]


def test_a_failed_run_is_deleted_and_its_upload_kept(api_auditor, audit):
    dataset_id = _upload(api_auditor, audit, biased_csv()).json()["id"]
    failed = FairnessRun.objects.create(
        dataset_id=dataset_id, status=RunStatus.FAILED, config={}, error_code="missing_column"
    )
    gone = api_auditor.delete(reverse("api:run_detail", args=[audit.pk, failed.pk]))
    assert gone.status_code == 204
    assert not FairnessRun.objects.filter(pk=failed.pk).exists()
    detail = api_auditor.get(reverse("api:dataset_detail", args=[audit.pk, dataset_id]))
    assert detail.status_code == 200


def test_a_queued_run_has_no_result_yet(api_auditor, audit):
    dataset_id = _upload(api_auditor, audit, biased_csv()).json()["id"]
    run = _start(api_auditor, audit, dataset_id).json()
    FairnessRun.objects.filter(pk=run["id"]).update(
        status=RunStatus.QUEUED, heartbeat_at=timezone.now()
    )
    result = api_auditor.get(reverse("api:run_result", args=[audit.pk, run["id"]]))
    assert result.status_code == 409 and error_code(result) == "run_not_finished"


def test_a_gate_is_overridden_only_with_a_justification(api_auditor, audit, gate_questions):
    question = gate_questions["FAIR-G1"]
    url = reverse("api:gate_override", args=[audit.pk, question.pk])
    short = api_auditor.post(url, {"value": "pass", "justification": "because"}, format="json")
    assert short.status_code == 400 and short.json()["errors"][0]["attr"] == "justification"
    bad = api_auditor.post(url, {"value": "maybe", "justification": "x" * 30}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["attr"] == "value"
    reason = "The screen does not apply: the groups are defined by the product's eligibility."
    ok = api_auditor.post(url, {"value": "pass", "justification": reason}, format="json")
    assert ok.status_code == 200, ok.json()
    assert ok.json()["value"] == "pass" and ok.json()["overridden"] is True
    assert ok.json()["override_justification"] == reason and ok.json()["answered_by"] == "auditor"
    assert Answer.objects.get(question=question).override_justification == reason
    not_a_gate = audit.checklist_version.questions.get(code="FAIR-01")
    missing = api_auditor.post(
        reverse("api:gate_override", args=[audit.pk, not_a_gate.pk]),
        {"value": "pass", "justification": reason},
        format="json",
    )
    assert missing.status_code == 404


def test_a_locked_audit_refuses_an_upload_before_reading_it(api_owner, audit):
    audit.status = AuditStatus.APPROVED
    audit.save()
    response = _upload(api_owner, audit, biased_csv())
    assert response.status_code == 403 and error_code(response) == "audit_locked"
    assert not Dataset.objects.exists()


def test_a_class_gate_answer_names_its_task_and_class(api_auditor, audit, make_dataset, owner):
    audit.checklist_version = gated_version({"FAIR-M1": CLASS_GATE})
    audit.save()
    mapping = {"y_true": "target", "y_pred": "predicted", "score": None, "sensitive": ["sex"]}
    dataset = make_dataset(multiclass_csv(), "triage.csv")
    run = run_create(dataset=dataset, user=owner, mapping=mapping, options={}, task="multiclass")

    (gate,) = api_auditor.get(reverse("api:gate_list", args=[audit.pk])).json()
    assert (gate["gate"]["task"], gate["gate"]["class"]) == ("multiclass", "B")
    assert gate["value"] == "fail" and gate["run"] == run.pk
    assert [(c["grouping"], c["class"]) for c in gate["checks"]] == [("sex", "B")]


def test_gate_answers_are_for_the_team_only(api_outsider, audit):
    assert api_outsider.get(reverse("api:gate_list", args=[audit.pk])).status_code == 404
