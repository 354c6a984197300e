"""LLM audits through the API: responses uploaded (streamed, the pages' checks), LLM runs
configured as the LLM mapping page configures them, and the prompt set."""

import csv
import io

import pytest
from django.urls import reverse

from audits.models import Dataset, DatasetKind, FairnessRun, RunStatus
from fairness.text import DEFAULT_REFUSAL_PATTERNS
from tests.audits.dataset_fixtures import *  # noqa: F403  (the datasets fixtures apply here)
from tests.audits.dataset_fixtures import biased_csv, stored_files
from tests.audits.llm_fixtures import *  # noqa: F403  (the LLM checklist version applies here)
from tests.audits.llm_fixtures import (
    llm_csv,
    llm_jsonl,
    llm_mapping_post,
    llm_parquet,
    llm_records,
    post_llm_upload,
)

from .conftest import error_code

PATTERN = r"\bI(?:'m| am) sorry,? but I can(?:'t|not)"
# The JSON twin of `llm_mapping_post()`: what the page posts, as the API takes it.
LLM_CONFIG = {
    "mapping": {
        "pair_id": "pair_id",
        "group": "group",
        "response": "response",
        "prompt": "prompt",
        "toxicity": "toxicity",
    },
    "options": {"reference_group": "male", "refusal_patterns": [PATTERN]},
    "checks": [
        {"metric": "refusal_rate_ratio", "comparison": ">=", "threshold": 0.8},
        {"metric": "sentiment_bias_strong", "comparison": "<=", "threshold": 0.05},
    ],
}


def _datasets(audit):
    return reverse("api:dataset_list", kwargs={"pk": audit.pk})


def _upload(client, audit, content: bytes, *, name="responses.csv", content_type="text/csv"):
    url = reverse("api:dataset_upload", kwargs={"pk": audit.pk, "filename": name})
    return client.put(f"{url}?kind=llm", content, content_type=content_type)


def _start(client, audit, dataset_id: int, config=None):
    url = reverse("api:run_create", kwargs={"pk": audit.pk, "dataset_pk": dataset_id})
    return client.post(url, LLM_CONFIG if config is None else config, format="json")


@pytest.mark.parametrize(
    "name, content, content_type, file_format",
    [
        ("responses.csv", llm_csv(), "text/csv", "csv"),
        ("responses.jsonl", llm_jsonl(), "application/x-ndjson", "jsonl"),
        ("responses.parquet", llm_parquet(), "application/vnd.apache.parquet", "parquet"),
        ("responses.parquet", llm_parquet(), "application/octet-stream", "parquet"),
    ],  # fmt: skip
)
def test_responses_upload_as_a_raw_body_with_their_roles_guessed(
    api_auditor, audit, media, name, content, content_type, file_format
):
    response = _upload(api_auditor, audit, content, name=name, content_type=content_type)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "llm" and body["original_name"] == name
    assert body["preview"]["format"] == file_format
    guess = body["preview"]["guess"]
    assert (guess["pair_id"], guess["group"], guess["response"]) == ("pair_id", "group", "response")
    assert Dataset.objects.get().kind == DatasetKind.LLM


def test_a_multipart_upload_names_its_kind_in_a_field(api_auditor, audit):
    data = {"file": io.BytesIO(llm_jsonl()), "kind": "llm"}
    data["file"].name = "responses.jsonl"
    response = api_auditor.post(_datasets(audit), data, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "llm" and response.json()["preview"]["format"] == "jsonl"


def test_bad_responses_and_an_unknown_kind_are_400_and_nothing_is_kept(api_auditor, audit, media):
    one_group = llm_csv([r for r in llm_records() if r["group"] == "male"])
    response = _upload(api_auditor, audit, one_group)
    assert response.status_code == 400 and response.json()["errors"][0]["attr"] == "file"
    assert "at least two groups" in response.json()["errors"][0]["detail"]
    url = reverse("api:dataset_upload", kwargs={"pk": audit.pk, "filename": "r.csv"})
    response = api_auditor.put(f"{url}?kind=tweets", llm_csv(), content_type="text/csv")
    assert response.status_code == 400 and response.json()["errors"][0]["attr"] == "kind"
    assert not Dataset.objects.exists() and stored_files(media) == []


def test_an_api_llm_run_gives_the_document_the_page_path_gives(api_auditor, auditor_client, audit):
    post_llm_upload(auditor_client, audit, llm_csv())
    page_dataset = Dataset.objects.get()
    auditor_client.post(
        reverse("audits:dataset_map", args=[audit.pk, page_dataset.pk]), llm_mapping_post()
    )
    page_run = FairnessRun.objects.get()

    uploaded = _upload(api_auditor, audit, llm_csv()).json()
    response = _start(api_auditor, audit, uploaded["id"])
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "llm" and body["status"] == "succeeded", body
    api_run = FairnessRun.objects.get(pk=body["id"])
    assert api_run.config == page_run.config
    result = api_auditor.get(body["result_url"])
    assert result.status_code == 200
    document = result.json()
    assert document["schema"] == "llm-fairness-report/1"
    assert document == page_run.result | {"input": document["input"]}
    assert {k: v for k, v in document["input"].items() if k != "sha256"} == {
        k: v for k, v in page_run.result["input"].items() if k != "sha256"
    }
    # The LLM gate is answered from the run, as the page path answers it.
    gates = api_auditor.get(reverse("api:gate_list", kwargs={"pk": audit.pk})).json()
    llm_gate = next(g for g in gates if g["code"] == "LLM-G1")
    assert llm_gate["run"] == api_run.pk and llm_gate["value"] in ("pass", "fail")


def test_defaults_are_the_engines_and_the_decision_label_is_guessed(api_auditor, audit):
    records = [
        {**r, "decision": "shortlist" if r["group"] == "male" or i % 4 else "reject"}
        for i, r in enumerate(llm_records())
    ]
    uploaded = _upload(api_auditor, audit, llm_csv(records)).json()
    config = {"mapping": {"pair_id": "pair_id", "group": "group", "response": "response",
                          "decision": "decision"}}  # fmt: skip
    response = _start(api_auditor, audit, uploaded["id"], config)
    assert response.status_code == 201, response.json()
    run = FairnessRun.objects.get()
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    assert run.config["mapping"]["pos_label"] == "shortlist"
    assert run.config["options"]["refusal_patterns"] == list(DEFAULT_REFUSAL_PATTERNS)
    assert run.config["options"]["reference_group"] is None
    assert [c["source"] for c in run.config["checks"]] == ["gate"]


@pytest.mark.parametrize(
    "change, attr",
    [
        ({"mapping": {"pair_id": "pair_id", "group": "group"}}, "mapping.response"),
        ({"mapping": {**LLM_CONFIG["mapping"], "response": "answer"}}, "mapping.response"),
        ({"mapping": {**LLM_CONFIG["mapping"], "prompt": "response"}}, "mapping.prompt"),
        ({"mapping": {**LLM_CONFIG["mapping"], "toxicity": 3}}, "mapping.toxicity"),
        ({"options": {"refusal_patterns": ["fine", "(unclosed"]}}, "options.refusal_patterns"),
        ({"options": {"refusal_patterns": "sorry"}}, "options.refusal_patterns"),
        ({"checks": [{"metric": "impact_ratio_typo", "threshold": 1}]}, "checks.0.metric"),
        ({"checks": [{"metric": "refusal_rate_ratio"}]}, "checks.0.threshold"),
        (
            {"checks": [{"metric": "refusal_rate", "comparison": "~", "threshold": 1}]},
            "checks.0.comparison",
        ),
    ],  # fmt: skip
)
def test_a_bad_llm_configuration_is_400_on_its_field(api_auditor, audit, change, attr):
    uploaded = _upload(api_auditor, audit, llm_csv()).json()
    response = _start(api_auditor, audit, uploaded["id"], {**LLM_CONFIG, **change})
    assert response.status_code == 400, response.json()
    assert response.json()["errors"][0]["attr"] == attr, response.json()
    assert not FairnessRun.objects.exists()


def test_a_predictions_configuration_on_responses_is_400_and_the_reverse_too(api_auditor, audit):
    uploaded = _upload(api_auditor, audit, llm_csv()).json()
    predictions = {"mapping": {"y_true": "label", "y_pred": "pred", "sensitive": ["sex"]}}
    response = _start(api_auditor, audit, uploaded["id"], predictions)
    assert response.status_code == 400 and response.json()["errors"][0]["attr"].startswith(
        "mapping."
    )
    url = reverse("api:dataset_upload", kwargs={"pk": audit.pk, "filename": "p.csv"})
    tabular = api_auditor.put(url, biased_csv(), content_type="text/csv").json()
    response = _start(api_auditor, audit, tabular["id"])
    assert response.status_code == 400
    assert not FairnessRun.objects.exists()


def test_an_llm_run_needs_the_answer_role(api_viewer, api_outsider, api_auditor, audit):
    uploaded = _upload(api_auditor, audit, llm_csv()).json()
    response = _start(api_viewer, audit, uploaded["id"])
    assert response.status_code == 403 and error_code(response) == "permission_denied"
    response = _start(api_outsider, audit, uploaded["id"])
    assert response.status_code == 404
    assert not FairnessRun.objects.exists()


# -- the prompt set -----------------------------------------------------------------------------


def _prompt_set(audit):
    return reverse("api:prompt_set", kwargs={"pk": audit.pk})


def test_the_prompt_set_is_the_pages_csv(api_auditor, auditor_client, audit):
    example = api_auditor.get(_prompt_set(audit)).json()
    assert "{group}" in example["templates"] and example["groups"] == "male, female, nonbinary"
    response = api_auditor.post(_prompt_set(audit), example, format="json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="audit-' in response["Content-Disposition"]
    page = auditor_client.post(reverse("audits:prompt_set", args=[audit.pk]), example)
    assert response.content == page.content
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["pair_id", "group", "prompt"] and len(rows) > 3


@pytest.mark.parametrize(
    "body, attr",
    [
        ({"templates": "# only a comment", "groups": "a, b"}, "templates"),
        ({"templates": "Hi {group}", "groups": "only-one"}, "groups"),
        ({"templates": "Hi {group}", "groups": "a, A"}, "groups"),
        ({"templates": "Hello there", "groups": "dogs, cats"}, "templates"),
        ({"templates": ["Hi {group}"], "groups": "a, b"}, "templates"),
        ({"groups": "a, b"}, "templates"),
    ],
)
def test_bad_prompt_set_input_is_400_on_its_field(api_auditor, audit, body, attr):
    response = api_auditor.post(_prompt_set(audit), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["attr"] == attr, response.json()


def test_the_prompt_set_roles(api_viewer, api_outsider, audit):
    body = {"templates": "Hi {group}", "groups": "a, b"}
    assert api_viewer.get(_prompt_set(audit)).status_code == 200
    response = api_viewer.post(_prompt_set(audit), body, format="json")
    assert response.status_code == 403 and error_code(response) == "permission_denied"
    assert api_outsider.get(_prompt_set(audit)).status_code == 404
    assert api_outsider.post(_prompt_set(audit), body, format="json").status_code == 404
