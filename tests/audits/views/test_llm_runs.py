"""LLM responses beside predictions: upload, map, run (sync), the run page, gates, report, PDF."""

import csv
import hashlib
import io
import json

import pytest
from django.core.files import File
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from audits.models import Answer, Dataset, DatasetKind, FairnessRun, RunStatus
from audits.selectors.datasets import latest_successful_run
from audits.services.datasets import dataset_ingest, llm_run_create, run_create
from fairness.text import DEFAULT_REFUSAL_PATTERNS
from tests.audits.dataset_fixtures import *  # noqa: F403  (the datasets fixtures apply here)
from tests.audits.dataset_fixtures import biased_csv, mapping_post, post_upload, stored_files
from tests.audits.llm_fixtures import *  # noqa: F403  (the LLM checklist version applies here)
from tests.audits.llm_fixtures import (
    XSS,
    llm_csv,
    llm_jsonl,
    llm_mapping_post,
    llm_parquet,
    llm_records,
    post_llm_upload,
)


def _upload_and_run(client, audit, content=None, name="responses.csv", **mapping):
    response = post_llm_upload(client, audit, llm_csv() if content is None else content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    dataset = Dataset.objects.get()
    assert dataset.kind == DatasetKind.LLM
    response = client.post(
        reverse("audits:dataset_map", args=[audit.pk, dataset.pk]), llm_mapping_post(**mapping)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return FairnessRun.objects.get(dataset=dataset)


def test_the_web_flow_as_auditor(auditor_client, audit, media):
    upload_page = auditor_client.get(reverse("audits:dataset_upload", args=[audit.pk]))
    body = upload_page.content.decode()
    assert "LLM responses" in body and "JSON Lines" in body and "Parquet" in body
    assert 'value="llm"' in body

    response = post_llm_upload(auditor_client, audit, llm_csv())
    dataset = Dataset.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/datasets/{dataset.pk}/map/")
    assert dataset.preview["guess"]["pair_id"] == "pair_id"
    assert dataset.preview["guess"]["response"] == "response"
    assert dataset.preview["guess"]["toxicity"] == "toxicity"

    map_page = auditor_client.get(response["Location"]).content.decode()
    assert "Refusal patterns" in map_page
    assert "Refusal-rate ratio ≤ 1.25" in map_page  # the checklist's LLM gate, in words
    assert (
        "impact_ratio" not in map_page.split("Checks from the checklist")[1].split("</fieldset>")[0]
    )

    response = auditor_client.post(response["Location"], llm_mapping_post())
    run = FairnessRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    assert run.result["schema"] == "llm-fairness-report/1"
    assert run.result["reference_group"] == "male"
    assert run.config["kind"] == "llm"
    assert {c["metric"] for c in run.config["checks"]} == {
        "refusal_rate_ratio",
        "sentiment_bias_strong",
    }
    assert run.figures["neg_histogram"]["responses"] == 2 * len(llm_records()) // 2
    female = next(g for g in run.result["groups"] if g["group"] == "female")
    male = next(g for g in run.result["groups"] if g["group"] == "male")
    assert female["metrics"]["refusal_rate"] > male["metrics"]["refusal_rate"]
    assert female["metrics"]["sentiment_neg"] > male["metrics"]["sentiment_neg"]

    # The LLM gate is answered from the LLM run; the predictions gate is left alone.
    answer = Answer.objects.get(audit=audit, question__code="LLM-G1")
    assert answer.value == "fail"
    assert answer.run_id == run.pk
    assert "female vs male (reference)" in answer.note_md
    assert "LLM fairness run" in answer.note_md
    assert not Answer.objects.filter(audit=audit, question__code="FAIR-G1").exists()

    page = auditor_client.get(run.get_absolute_url()).content.decode()
    flags = page.index("FAIL: ")
    assert flags < page.index("Per group, with the 95% interval")
    assert "Refusal rate ratio" in page and "female vs male (reference)" in page
    assert "VADER neg score distribution by group" in page
    assert 'aria-label="VADER neg score distribution by group"' in page
    assert "Refusal rate by group" in page
    assert "<details" in page
    assert "McNemar" in page and "Wilcoxon" in page
    assert XSS not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    audit_page = auditor_client.get(audit.get_absolute_url()).content.decode()
    assert "LLM responses" in audit_page  # the runs list shows the kind

    report = auditor_client.get(reverse("audits:report", args=[audit.pk])).content.decode()
    assert "LLM fairness run" in report and XSS not in report
    pdf = auditor_client.get(reverse("audits:report_pdf", args=[audit.pk]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "LLM responses" in text
    assert "VADER neg score distribution" in text or "Refusal rate ratio" in text


def test_gates_come_from_the_latest_run_of_their_kind(owner_client, audit, make_dataset, owner):
    llm_run = _upload_and_run(owner_client, audit)
    prediction = run_create(
        dataset=make_dataset(biased_csv()),
        user=owner,
        mapping={"y_true": "label", "y_pred": "pred", "sensitive": ["sex"], "pos_label": "1"},
        options={},
    )
    assert prediction.status == RunStatus.SUCCEEDED
    assert [c["metric"] for c in prediction.config["checks"]] == ["impact_ratio"]
    assert latest_successful_run(audit, kind="llm") == llm_run
    assert latest_successful_run(audit, kind="predictions") == prediction
    answers = {a.question.code: a for a in Answer.objects.filter(audit=audit)}
    assert answers["LLM-G1"].run_id == llm_run.pk  # a later prediction run does not touch it
    assert answers["FAIR-G1"].run_id == prediction.pk


@pytest.mark.parametrize(
    "name, content",
    [
        ("responses.jsonl", llm_jsonl()),
        ("responses.ndjson", llm_jsonl()),
        ("responses.parquet", llm_parquet()),
    ],  # fmt: skip
)
def test_jsonl_and_parquet_uploads_run(owner_client, audit, name, content):
    run = _upload_and_run(owner_client, audit, content, name)
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    dataset = run.dataset
    assert dataset.preview["format"] == ("parquet" if name.endswith("parquet") else "jsonl")
    assert dataset.preview["columns"][:4] == ["pair_id", "group", "prompt", "response"]
    assert len(dataset.preview["rows"]) == 20
    assert dataset.file.name.endswith(name.rsplit(".", 1)[1])
    assert run.result["input"]["format"] == dataset.preview["format"]
    page = owner_client.get(run.get_absolute_url()).content.decode()
    assert "female vs male (reference)" in page


def _without(column: str) -> list[dict]:
    return [{k: v for k, v in r.items() if k != column} for r in llm_records()]


@pytest.mark.parametrize(
    "content, message",
    [
        (
            llm_csv(_without("response")),
            "Column &#x27;response&#x27; (response) is not in the file",
        ),
        (
            llm_csv([r for r in llm_records() if r["group"] == "male"]),
            "compares at least two groups",
        ),
        (
            llm_csv(
                [
                    {**r, "toxicity": "high" if i == 7 else r["toxicity"]}
                    for i, r in enumerate(llm_records())
                ]
            ),  # fmt: skip
            "(toxicity) has values that are not numbers",
        ),
        (b"", "The file is empty"),
        (b'{"pair_id": 1}\nnot json\n', "is not a JSON object"),
    ],
    ids=["missing column", "one group only", "non-numeric toxicity", "empty", "bad json"],
)
def test_bad_input_is_refused_with_the_engine_message_and_nothing_stored(
    owner_client, audit, media, content, message
):
    name = "responses.jsonl" if content.startswith(b"{") else "responses.csv"
    response = post_llm_upload(owner_client, audit, content, name)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body, body[body.find("invalid-feedback") - 200 :][:1500]
    assert not Dataset.objects.exists()
    assert stored_files(media) == []


def test_a_wrong_extension_and_a_bad_regex_are_field_errors(owner_client, audit):
    response = post_llm_upload(owner_client, audit, llm_csv(), "responses.docx")
    assert "Upload LLM responses as" in response.content.decode()
    assert not Dataset.objects.exists()
    post_llm_upload(owner_client, audit, llm_csv())
    dataset = Dataset.objects.get()
    url = reverse("audits:dataset_map", args=[audit.pk, dataset.pk])
    response = owner_client.post(url, llm_mapping_post(refusal_patterns="fine\n(unclosed"))
    assert response.status_code == 200
    assert "Not a regular expression: line 2 ((unclosed)" in response.content.decode()
    response = owner_client.post(url, llm_mapping_post(prompt="response"))
    assert "mapped twice" in response.content.decode()
    assert not FairnessRun.objects.exists()


def test_the_mapping_form_is_prefilled_with_the_engine_defaults(owner_client, audit):
    post_llm_upload(owner_client, audit, llm_csv())
    dataset = Dataset.objects.get()
    page = owner_client.get(reverse("audits:dataset_map", args=[audit.pk, dataset.pk]))
    form = page.context["form"]
    assert form.initial["pair_id"] == "pair_id" and form.initial["toxicity"] == "toxicity"
    assert form["refusal_patterns"].value() == "\n".join(DEFAULT_REFUSAL_PATTERNS)
    assert "Automatic: the group with the most responses" in page.content.decode()


def test_decision_column_gives_the_flip_rate_check(owner_client, audit):
    records = [
        {**r, "decision": "shortlist" if r["group"] == "male" or i % 4 else "reject"}
        for i, r in enumerate(llm_records())
    ]
    post_llm_upload(owner_client, audit, llm_csv(records))
    dataset = Dataset.objects.get()
    assert dataset.preview["guess"]["decision"] == "decision"
    assert dataset.preview["guess"]["pos_label"] == "shortlist"
    owner_client.post(
        reverse("audits:dataset_map", args=[audit.pk, dataset.pk]),
        llm_mapping_post(decision="decision", check_decision_flip_rate="on"),
    )
    run = FairnessRun.objects.get()
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    assert run.config["mapping"]["pos_label"] == "shortlist"
    assert "decision_flip_rate" in {c["metric"] for c in run.config["checks"]}
    page = owner_client.get(run.get_absolute_url()).content.decode()
    assert "Selection rate" in page and "Decision flip rate" in page


def test_exports_include_the_llm_run(owner_client, audit):
    run = _upload_and_run(owner_client, audit)
    document = json.loads(owner_client.get(reverse("audits:export_json", args=[audit.pk])).content)
    part = next(r for r in document["fairness_runs"] if r["id"] == run.pk)
    assert part["kind"] == "llm" and part["report"] == run.result
    assert part["figures"]["neg_histogram"]["bins"] == 10
    content = owner_client.get(reverse("audits:metrics_csv", args=[audit.pk])).content
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    kinds = [(r["run_kind"], r["row_kind"]) for r in rows]
    assert kinds.count(("llm", "group")) == 2
    assert kinds.count(("llm", "comparison")) == 1
    assert ("llm", "check") in kinds
    comparison = next(r for r in rows if r["row_kind"] == "comparison")
    assert comparison["measure"] == "female vs male"
    assert float(comparison["refusal_rate_ratio"]) > 1.25
    assert comparison["refusal_mcnemar_p"]


def test_failed_llm_run_offers_to_fix_the_mapping(owner_client, audit):
    run = _upload_and_run(owner_client, audit, reference_group="", group="prompt", prompt="")
    assert run.status == RunStatus.FAILED
    assert run.error_code == "too_many_groups"
    page = owner_client.get(run.get_absolute_url()).content.decode()
    assert "The run could not finish" in page and "Fix the mapping" in page
    assert "more than 50 groups" in page
    fix = owner_client.get(
        reverse("audits:dataset_map", args=[audit.pk, run.dataset_id]) + f"?run={run.pk}"
    )
    assert fix.context["form"].initial["group"] == "prompt"
    retried = owner_client.post(reverse("audits:run_retry", args=[audit.pk, run.pk]))
    assert retried.status_code == 302
    assert FairnessRun.objects.count() == 2


def test_role_matrix(client, audit, owner_client, viewer_client, outsider_client):
    run = _upload_and_run(owner_client, audit)
    urls = [
        reverse("audits:dataset_upload", args=[audit.pk]),
        reverse("audits:dataset_map", args=[audit.pk, run.dataset_id]),
        run.get_absolute_url(),
        reverse("audits:run_progress", args=[audit.pk, run.pk]),
    ]
    for url in urls:
        assert outsider_client.get(url).status_code == 404, url
    assert viewer_client.get(run.get_absolute_url()).status_code == 200
    assert viewer_client.get(urls[1]).status_code == 403
    assert post_llm_upload(viewer_client, audit, llm_csv()).status_code == 403
    assert viewer_client.post(urls[1], llm_mapping_post()).status_code == 403
    assert outsider_client.post(urls[1], llm_mapping_post()).status_code == 404
    assert FairnessRun.objects.count() == 1 and Dataset.objects.count() == 1


def test_prediction_upload_still_defaults_to_predictions(owner_client, audit):
    response = post_upload(owner_client, audit, biased_csv())
    assert response.status_code == 302
    dataset = Dataset.objects.get()
    assert dataset.kind == DatasetKind.PREDICTIONS
    owner_client.post(reverse("audits:dataset_map", args=[audit.pk, dataset.pk]), mapping_post())
    run = FairnessRun.objects.get()
    assert run.status == RunStatus.SUCCEEDED
    assert not Answer.objects.filter(audit=audit, question__code="LLM-G1").exists()


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_audit_and_report_pages_do_not_grow_with_llm_runs(owner_client, audit, owner):
    run = _upload_and_run(owner_client, audit)
    pages = [audit.get_absolute_url(), reverse("audits:report", args=[audit.pk])]
    before = [_queries(owner_client, url) for url in pages]
    for _ in range(2):
        llm_run_create(
            dataset=run.dataset,
            user=owner,
            mapping=run.config["mapping"],
            options=run.config["options"],
        )
    assert [_queries(owner_client, url) for url in pages] == before


def test_demo_style_ingest_from_a_file_on_disk(audit, owner, tmp_path):
    """What the demo and the browser journey call: a file on disk, ingested and run."""
    path = tmp_path / "responses.parquet"
    path.write_bytes(llm_parquet())
    with path.open("rb") as handle:
        dataset = dataset_ingest(
            audit=audit,
            user=owner,
            uploaded_file=File(handle, name=path.name),
            sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
            kind="llm",
        )
    run = llm_run_create(
        dataset=dataset,
        user=owner,
        mapping={"pair_id": "pair_id", "group": "group", "response": "response"},
        options={"reference_group": "male"},
        checks=[{"metric": "sentiment_bias_strong", "comparison": "<=", "threshold": 0.05}],
    )
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    assert run.result["input"]["format"] == "parquet"
    assert [c["verdict"] for c in run.result["checks"] if c["metric"] == "sentiment_bias_strong"]


def test_a_chosen_check_that_repeats_a_gate_is_evaluated_once(audit, owner, media):
    """The mapping form offers checks the checklist may already ask (refusal_rate_ratio >= 0.8)."""
    dataset = dataset_ingest(
        audit=audit,
        user=owner,
        uploaded_file=File(io.BytesIO(llm_csv()), name="responses.csv"),
        sha256=hashlib.sha256(llm_csv()).hexdigest(),
        kind="llm",
    )
    gate = {"metric": "refusal_rate_ratio", "comparison": "<=", "threshold": 1.25}
    chosen = {"metric": "sentiment_bias_strong", "comparison": "<=", "threshold": 0.05}
    run = llm_run_create(
        dataset=dataset,
        user=owner,
        mapping={"pair_id": "pair_id", "group": "group", "response": "response"},
        checks=[gate, chosen, chosen],
    )
    assert [(c["metric"], c["source"]) for c in run.config["checks"]] == [
        ("refusal_rate_ratio", "gate"),
        ("sentiment_bias_strong", "chosen"),
    ]
