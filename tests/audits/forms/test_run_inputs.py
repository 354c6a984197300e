"""The mapping form's task: guessed from the preview, its fields, and the warnings before a run."""

import hashlib

import pytest

from audits.forms.datasets import (
    MappingForm,
    column_warnings,
    guess_counts,
    guess_task,
    mapping_sql,
)
from audits.models import DatasetKind
from audits.services.datasets import dataset_ingest
from tests.audits.dataset_fixtures import *  # noqa: F403
from tests.audits.dataset_fixtures import biased_csv, mapping_post, upload_file
from tests.audits.run_inputs_data import counts_csv, joined_files, multiclass_csv, regression_csv


def _preview(values: list[str], *, truncated: bool = False) -> dict:
    return {
        "columns": ["pred"],
        "guess": {"y_pred": "pred"},
        "distinct": {"pred": values},
        "distinct_truncated": {"pred": truncated},
    }


@pytest.mark.parametrize(
    ("values", "truncated", "task"),
    [
        (["0", "1"], False, "binary"),
        (["yes", "no"], False, "binary"),
        (["0.25", "1.5", "3"], False, "regression"),  # fractions: no decision holds them
        ([str(i) for i in range(50)], True, "regression"),  # more numbers than classes
        (["2", "3", "7"], False, "binary"),  # a few whole numbers: the default
        (["high", "low", "medium"], False, "multiclass"),
        (["a", "b"], False, "binary"),  # two labels: a decision
        ([f"c{i}" for i in range(50)], True, "binary"),  # more text labels than classes
        ([], False, "binary"),
    ],
)
def test_the_task_is_guessed_from_the_decision_columns_values(values, truncated, task):
    assert guess_task(_preview(values, truncated=truncated)) == task


def test_the_form_starts_on_the_guessed_task_and_counts_column(make_dataset):
    assert MappingForm.initial_from(dataset=make_dataset(regression_csv()))["task"] == "regression"
    assert MappingForm.initial_from(dataset=make_dataset(multiclass_csv()))["task"] == "multiclass"
    counts = make_dataset(counts_csv())
    assert MappingForm.initial_from(dataset=counts)["counts"] == "row_count"
    assert guess_counts(make_dataset(biased_csv()).preview) == ""


def test_a_multiclass_form_leaves_out_the_binary_fields(make_dataset):
    dataset = make_dataset(multiclass_csv())
    data = mapping_post(
        task="multiclass", y_true="true_band", y_pred="predicted_band", score="sex",
        pos_label="not-a-value", extra_1_metric="impact_ratio", extra_1_threshold="0.8",
        decision_threshold="3",
    )  # fmt: skip
    form = MappingForm(data, dataset=dataset)
    assert form.is_valid(), form.errors
    assert form.mapping["score"] is None and form.mapping["pos_label"] is None
    assert form.extra_checks == []
    assert form.run_inputs == {"task": "multiclass", "attributes": None, "decision_threshold": None}
    assert form.fields["pos_label"].disabled and not form.fields["y_true"].disabled


def test_a_regression_form_keeps_its_decision_threshold(make_dataset):
    dataset = make_dataset(regression_csv())
    data = mapping_post(task="regression", y_true="actual", y_pred="predicted",
                        decision_threshold="30", pos_label="")  # fmt: skip
    form = MappingForm(data, dataset=dataset)
    assert form.is_valid(), form.errors
    assert form.run_inputs["decision_threshold"] == 30.0
    assert not form.fields["decision_threshold"].disabled and form.fields["score"].disabled


def test_a_form_without_a_task_maps_binary_decisions(make_dataset):
    form = MappingForm(mapping_post(), dataset=make_dataset())
    assert form.is_valid(), form.errors
    assert form.run_inputs["task"] == "binary"


def test_an_id_without_an_attributes_file_is_an_error(make_dataset):
    form = MappingForm(mapping_post(id="label"), dataset=make_dataset())
    assert not form.is_valid()
    assert "id" in form.errors


def test_warnings_text_in_a_regression_many_valued_decision_id_like_sensitive():
    preview = {
        "rows_sampled": 20,
        "distinct": {
            "actual": ["12.5", "n/a yet"],
            "pred": ["0.1", "0.2", "0.3"],
            "person": [str(i) for i in range(20)],  # a different value on every row
            "sex": ["F", "M"],
        },
        "distinct_truncated": {},
    }
    found = column_warnings(
        preview, task="regression", y_true="actual", y_pred="pred", sensitive=["sex"]
    )
    assert found == [
        "“actual” holds text values (such as “n/a yet”): a regression needs numbers there."
    ]
    found = column_warnings(
        preview, task="binary", y_true=None, y_pred="pred", sensitive=["person", "sex"]
    )
    assert len(found) == 2
    assert found[0].startswith("“pred” has 3 distinct values in the first rows")
    assert found[1].startswith("“person” looks like an id")
    assert (
        column_warnings(preview, task="binary", y_true=None, y_pred=None, sensitive=["sex"]) == []
    )


def test_the_form_warns_from_its_chosen_columns(make_dataset):
    dataset = make_dataset(regression_csv())
    form = MappingForm(
        mapping_post(task="binary", y_true="actual", y_pred="predicted"), dataset=dataset
    )
    assert any("distinct values" in w for w in form.warnings())


def test_positive_label_choices_follow_the_chosen_column(make_dataset):
    dataset = make_dataset(multiclass_csv())
    form = MappingForm({"y_pred": "predicted_band", "sensitive": ["sex"]}, dataset=dataset)
    groups = dict(c for c in form.pos_label_choices() if isinstance(c[1], list))
    assert [v for v, _ in groups["Values in predicted_band"]] == ["high", "low", "medium"]


def test_the_sql_follows_the_mapping_and_dialect():
    mapping = {"y_true": "label", "y_pred": "pred", "sensitive": ["sex"]}
    sql, problem = mapping_sql(mapping, table="p", dialect="postgresql")
    assert problem == ""
    assert sql == (
        'SELECT "sex", "label", "pred", COUNT(*) AS "row_count"\n'
        'FROM "p"\n'
        'GROUP BY "sex", "label", "pred"'
    )
    sql, problem = mapping_sql(mapping, dialect="oracle")
    assert sql == "" and "oracle" in problem


def test_an_attributes_files_column_is_offered_and_judged_on_its_own_rows(
    make_dataset, audit, owner
):
    predictions, _ = joined_files()
    # `badge` differs on every row: an id, not a sensitive attribute.
    people = "person,sex,badge\n" + "".join(f"{i},{'MF'[i % 2]},b{i}\n" for i in range(1, 31))
    content = people.encode()
    attributes = dataset_ingest(
        audit=audit, user=owner, uploaded_file=upload_file(content, "people.csv"),
        sha256=hashlib.sha256(content).hexdigest(), kind=DatasetKind.ATTRIBUTES,
    )  # fmt: skip
    dataset = make_dataset(predictions)
    data = mapping_post(attributes=str(attributes.pk), id="person", sensitive=["sex", "badge"])
    form = MappingForm(data, dataset=dataset, attribute_files=[attributes])
    assert ("badge", "badge (attributes file)") in form.fields["sensitive"].choices
    assert form.fields["id"].choices == [("", "— none —"), ("person", "person")]
    assert form.is_valid(), form.errors
    assert form.run_inputs["attributes"] == attributes
    assert [w[:28] for w in form.warnings()] == ["“badge” looks like an id (a "]
