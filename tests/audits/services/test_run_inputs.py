"""`run_create` for each task and input: the config it records and the document the run gives."""

import hashlib

import pytest
from django.core.exceptions import ValidationError

from audits.models import DatasetKind, RunStatus
from audits.services.datasets import dataset_ingest, run_create, run_retry
from tests.audits.dataset_fixtures import *  # noqa: F403
from tests.audits.dataset_fixtures import MAPPING, upload_file
from tests.audits.run_inputs_data import (
    counts_csv,
    csv_as_parquet,
    joined_files,
    multiclass_csv,
    regression_csv,
)
from tests.factories import AuditFactory

OPTIONS = {"bootstrap_draws": 0}


@pytest.fixture
def ingest(audit, owner):
    def ingest(
        content: bytes, name: str = "predictions.csv", kind=DatasetKind.PREDICTIONS, on=None
    ):
        return dataset_ingest(
            audit=on or audit,
            user=owner,
            uploaded_file=upload_file(content, name),
            sha256=hashlib.sha256(content).hexdigest(),
            kind=kind,
        )

    return ingest


def test_a_regression_run_records_its_task_and_threshold_and_reports_mae(ingest, owner):
    dataset = ingest(regression_csv())
    mapping = {"y_true": "actual", "y_pred": "predicted", "sensitive": ["sex"]}
    run = run_create(
        dataset=dataset, user=owner, mapping=mapping, options=OPTIONS,
        task="regression", decision_threshold=30.0,
    )  # fmt: skip
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    assert run.config["options"]["task"] == "regression"
    assert run.config["options"]["decision_threshold"] == 30.0
    assert run.config["checks"] == []  # the checklist's gates are on binary metrics
    assert run.result["task"] == "regression"
    groups = {g["label"]: g for g in run.result["groupings"][0]["groups"]}
    # Every M row is off by 1.5, every F row by 0.5.
    assert groups["M"]["metrics"]["mean_absolute_error"] == pytest.approx(1.5)
    assert groups["F"]["metrics"]["mean_absolute_error"] == pytest.approx(0.5)


def test_a_multiclass_run_reports_its_classes(ingest, owner):
    dataset = ingest(multiclass_csv())
    mapping = {"y_true": "true_band", "y_pred": "predicted_band", "sensitive": ["sex"]}
    run = run_create(
        dataset=dataset, user=owner, mapping=mapping, options=OPTIONS, task="multiclass"
    )
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    assert run.result["task"] == "multiclass"
    assert run.config["mapping"]["pos_label"] is None


def test_a_joined_run_records_the_attributes_and_reports_unmatched_rows(ingest, owner):
    predictions, attributes = joined_files()
    dataset = ingest(predictions)
    extra = ingest(attributes, "people.csv", kind=DatasetKind.ATTRIBUTES)
    mapping = {"y_true": "label", "y_pred": "pred", "sensitive": ["sex"], "id": "person"}
    run = run_create(
        dataset=dataset, user=owner, mapping=mapping, options=OPTIONS, attributes=extra
    )
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    assert run.attributes == extra
    assert run.config["mapping"]["id"] == "person"
    assert run.config["attributes"] == {"dataset": extra.pk, "name": "people.csv"}
    # Ids 51..60 have no attributes; 101..105 no predictions.
    assert run.result["input"]["unmatched"] == {"predictions": 10, "attributes": 5}
    assert run.result["input"]["rows_used"] == 50


def test_a_retry_joins_the_same_attributes(ingest, owner):
    predictions, attributes = joined_files()
    dataset = ingest(predictions)
    extra = ingest(attributes, "people.csv", kind=DatasetKind.ATTRIBUTES)
    mapping = {"y_true": "label", "y_pred": "pred", "sensitive": ["sex"], "id": "nope"}
    run = run_create(
        dataset=dataset, user=owner, mapping=mapping, options=OPTIONS, attributes=extra
    )
    assert run.status == RunStatus.FAILED
    again = run_retry(run=run, user=owner)
    assert again.attributes == extra and again.config == run.config


def test_a_count_table_run_expands_its_cells(ingest, owner):
    dataset = ingest(counts_csv())
    run = run_create(
        dataset=dataset, user=owner, mapping={**MAPPING, "counts": "row_count"}, options=OPTIONS
    )
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    # 8 cells of 25 rows each.
    assert run.result["input"]["rows"] == 200
    assert run.result["input"]["counts_column"] == "row_count"


def test_a_bad_count_fails_the_run_with_the_engines_message(ingest, owner):
    dataset = ingest(counts_csv(bad=True))
    run = run_create(
        dataset=dataset, user=owner, mapping={**MAPPING, "counts": "row_count"}, options=OPTIONS
    )
    assert run.status == RunStatus.FAILED
    assert run.error_code == "bad_count"
    assert "row_count" in run.error_message


def test_parquet_predictions_give_the_same_document_as_the_csv(ingest, owner):
    content = regression_csv()
    mapping = {"y_true": "actual", "y_pred": "predicted", "sensitive": ["sex"]}
    documents = []
    for data, name in ((content, "p.csv"), (csv_as_parquet(content), "p.parquet")):
        dataset = ingest(data, name)
        run = run_create(
            dataset=dataset, user=owner, mapping=mapping, options=OPTIONS, task="regression"
        )
        assert run.status == RunStatus.SUCCEEDED, run.error_message
        documents.append(run.result)
    parquet = ingest(csv_as_parquet(content), "renamed.csv")
    assert parquet.file.name.endswith(".parquet")  # recognised by content
    assert parquet.preview["columns"] == ["sex", "actual", "predicted"]
    csv_doc, parquet_doc = documents
    assert csv_doc["groupings"] == parquet_doc["groupings"]
    assert csv_doc["checks"] == parquet_doc["checks"]
    assert csv_doc["overall"] == parquet_doc["overall"]


def test_bad_task_attributes_of_another_audit_and_misplaced_options_are_refused(
    ingest, owner, team
):
    predictions, attributes = joined_files()
    dataset = ingest(predictions)
    mapping = {"y_true": "label", "y_pred": "pred", "sensitive": ["sex"], "id": "person"}
    with pytest.raises(ValidationError) as error:
        run_create(dataset=dataset, user=owner, mapping=MAPPING, options={}, task="ranking")
    assert "task" in error.value.message_dict
    elsewhere = ingest(
        attributes,
        kind=DatasetKind.ATTRIBUTES,
        on=AuditFactory(
            team=team, checklist_version=dataset.audit.checklist_version, created_by=owner
        ),
    )
    with pytest.raises(ValidationError) as error:
        run_create(dataset=dataset, user=owner, mapping=mapping, options={}, attributes=elsewhere)
    assert "attributes" in error.value.message_dict
    same_audit_predictions = ingest(attributes)
    with pytest.raises(ValidationError) as error:
        run_create(
            dataset=dataset, user=owner, mapping=mapping, options={},
            attributes=same_audit_predictions,
        )  # fmt: skip
    assert "attributes" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        run_create(dataset=dataset, user=owner, mapping=mapping, options={})
    assert "id" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        run_create(dataset=dataset, user=owner, mapping=MAPPING, options={}, decision_threshold=0.5)
    assert "decision_threshold" in error.value.message_dict
    assert dataset.runs.count() == 0


def test_each_bad_input_has_its_code(ingest, owner):
    dataset = ingest(regression_csv())
    mapping = {"y_true": "actual", "y_pred": "predicted", "sensitive": ["sex"], "id": "actual"}
    with pytest.raises(ValidationError) as error:
        run_create(
            dataset=dataset, user=owner, mapping=mapping, options={}, task="multiclass",
            decision_threshold=1.0,
            extra_checks=[{"metric": "impact_ratio", "comparison": ">=", "threshold": 0.8}],
        )  # fmt: skip
    codes = {field: [e.code for e in errors] for field, errors in error.value.error_dict.items()}
    assert codes == {
        "id": ["id_without_attributes"],
        "decision_threshold": ["threshold_not_regression"],
        "extra_checks": ["checks_binary_only"],
    }
    assert "binary decisions only" in str(error.value.message_dict["extra_checks"])
