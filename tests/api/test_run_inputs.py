"""Runs of each task and input through /api/v1: task, count tables, attributes, Parquet."""

import pytest
from django.urls import reverse

from audits.models import Dataset, DatasetKind, FairnessRun, RunStatus
from tests.audits.dataset_fixtures import *  # noqa: F403  (the datasets fixtures apply here)
from tests.audits.run_inputs_data import (
    counts_csv,
    csv_as_parquet,
    joined_files,
    multiclass_csv,
    regression_csv,
)

REGRESSION = {
    "task": "regression",
    "mapping": {"y_true": "actual", "y_pred": "predicted", "sensitive": ["sex"]},
    "decision_threshold": 30,
}


def _upload(client, audit, content: bytes, name="predictions.csv", kind=""):
    url = reverse("api:dataset_upload", kwargs={"pk": audit.pk, "filename": name})
    if kind:
        url += f"?kind={kind}"
    response = client.put(url, content, content_type="application/octet-stream")
    assert response.status_code == 201, response.json()
    return response.json()


def _start(client, audit, dataset_id: int, body: dict):
    url = reverse("api:run_create", kwargs={"pk": audit.pk, "dataset_pk": dataset_id})
    return client.post(url, body, format="json")


def _result(client, audit, run_id: int) -> dict:
    return client.get(reverse("api:run_result", args=[audit.pk, run_id])).json()


def test_a_regression_run(api_auditor, audit):
    dataset = _upload(api_auditor, audit, regression_csv())
    response = _start(api_auditor, audit, dataset["id"], REGRESSION)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == RunStatus.SUCCEEDED, body["error_message"]
    assert body["config"]["options"]["task"] == "regression"
    assert body["config"]["options"]["decision_threshold"] == 30
    assert _result(api_auditor, audit, body["id"])["task"] == "regression"


def test_a_multiclass_run(api_auditor, audit):
    dataset = _upload(api_auditor, audit, multiclass_csv())
    body = {
        "task": "multiclass",
        "mapping": {"y_true": "true_band", "y_pred": "predicted_band", "sensitive": ["sex"]},
    }
    response = _start(api_auditor, audit, dataset["id"], body)
    assert response.status_code == 201, response.json()
    assert _result(api_auditor, audit, response.json()["id"])["task"] == "multiclass"


def test_a_count_table_run(api_auditor, audit):
    dataset = _upload(api_auditor, audit, counts_csv())
    body = {
        "mapping": {
            "y_true": "label", "y_pred": "pred", "sensitive": ["sex"], "pos_label": "1",
            "counts": "row_count",
        }
    }  # fmt: skip
    response = _start(api_auditor, audit, dataset["id"], body)
    assert response.status_code == 201, response.json()
    # 8 cells of 25 rows.
    assert _result(api_auditor, audit, response.json()["id"])["input"]["rows"] == 200


def test_an_attributes_upload_and_a_joined_run(api_auditor, audit):
    predictions, attributes = joined_files()
    dataset = _upload(api_auditor, audit, predictions)
    extra = _upload(api_auditor, audit, attributes, "people.csv", kind="attributes")
    assert extra["kind"] == DatasetKind.ATTRIBUTES
    body = {
        "mapping": {"y_true": "label", "y_pred": "pred", "sensitive": ["sex"], "id": "person"},
        "attributes": extra["id"],
    }
    response = _start(api_auditor, audit, dataset["id"], body)
    assert response.status_code == 201, response.json()
    run = response.json()
    assert run["config"]["attributes"]["dataset"] == extra["id"]
    result = _result(api_auditor, audit, run["id"])
    # Ids 51..60 have no attributes; 101..105 no predictions.
    assert result["input"]["unmatched"] == {"predictions": 10, "attributes": 5}


def test_parquet_predictions_give_the_csvs_document(api_auditor, audit):
    documents = []
    for content in (regression_csv(), csv_as_parquet(regression_csv())):
        dataset = _upload(api_auditor, audit, content, "p.bin")
        run = _start(api_auditor, audit, dataset["id"], REGRESSION).json()
        documents.append(_result(api_auditor, audit, run["id"]))
    assert Dataset.objects.filter(file__endswith=".parquet").count() == 1
    assert documents[0]["groupings"] == documents[1]["groupings"]
    assert documents[0]["checks"] == documents[1]["checks"]


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [
        ({"task": "ranking"}, "task", "not a valid choice"),
        ({"attributes": 999999}, "attributes", "no attributes file #999999"),
        ({"mapping": {"y_true": "label", "y_pred": "pred", "sensitive": ["race"]}}, "mapping",
         "No file has the column “race”"),
        ({"mapping": {"y_true": "label", "y_pred": "pred", "sensitive": ["sex"],
                      "counts": "cnt"}}, "mapping", "no column “cnt”"),
        ({"mapping": {"y_true": "label", "y_pred": "pred", "sensitive": ["sex"],
                      "id": "person"}}, "id", "attributes file"),
        ({"decision_threshold": 0.5}, "decision_threshold", "regression only"),
    ],
)  # fmt: skip
def test_bad_task_inputs_are_400_with_a_message(api_auditor, audit, change, where, words):
    dataset = _upload(api_auditor, audit, counts_csv())
    body = {"mapping": {"y_true": "label", "y_pred": "pred", "sensitive": ["sex"]}, **change}
    response = _start(api_auditor, audit, dataset["id"], body)
    assert response.status_code == 400
    assert where in response.json()["errors"] or where in str(response.json())
    assert words in str(response.json())
    assert not FairnessRun.objects.exists()
