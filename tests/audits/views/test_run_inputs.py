"""The mapping page for each task and input: task choice, attributes upload, SQL, warnings."""

import io
import re

import pytest
from django.urls import reverse

from audits.models import Dataset, DatasetKind, FairnessRun, RunStatus
from tests.audits.dataset_fixtures import *  # noqa: F403
from tests.audits.dataset_fixtures import mapping_post, post_upload, stored_files
from tests.audits.run_inputs_data import (
    csv_as_parquet,
    joined_files,
    multiclass_csv,
    regression_csv,
)


def map_url(dataset) -> str:
    return reverse("audits:dataset_map", args=[dataset.audit_id, dataset.pk])


def upload(client, audit, content, name="predictions.csv") -> Dataset:
    response = post_upload(client, audit, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Dataset.objects.filter(audit=audit).order_by("-pk").first()


def attributes_post(client, dataset, content: bytes, name="people.csv"):
    data = {"file": io.BytesIO(content)}
    data["file"].name = name
    url = reverse("audits:attributes_upload", args=[dataset.audit_id, dataset.pk])
    return client.post(url, data)


def test_the_page_guesses_regression_and_shows_the_task_fieldsets(owner_client, audit):
    dataset = upload(owner_client, audit, regression_csv())
    body = owner_client.get(map_url(dataset)).content.decode()
    assert 'name="task" value="regression"' in body
    assert 'value="regression" class="form-check-input" id="id_task_1" checked' in body or (
        'data-task="regression"' in body
    )
    assert 'data-tasks="regression"' in body and 'data-tasks="binary"' in body
    assert "Get the SQL" in body and "GROUP BY" in body
    upload_llm = reverse("audits:dataset_upload", args=[audit.pk]) + "?kind=llm"
    assert f'<a href="{upload_llm}">upload it as LLM responses</a>' in body


def test_an_attributes_file_has_no_mapping_page_of_its_own(owner_client, audit):
    predictions, attributes = joined_files()
    dataset = upload(owner_client, audit, predictions)
    attributes_post(owner_client, dataset, attributes)
    extra = Dataset.objects.get(audit=audit, kind=DatasetKind.ATTRIBUTES)
    assert owner_client.get(map_url(extra)).status_code == 404
    assert attributes_post(owner_client, extra, attributes).status_code == 404


def test_a_regression_mapping_creates_a_regression_run(owner_client, audit):
    dataset = upload(owner_client, audit, regression_csv())
    data = mapping_post(
        task="regression", y_true="actual", y_pred="predicted", decision_threshold="30",
        pos_label="", extra_1_metric="impact_ratio", extra_1_threshold="0.8",
    )  # fmt: skip
    response = owner_client.post(map_url(dataset), data)
    run = FairnessRun.objects.get(dataset=dataset)
    assert response.status_code == 302
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    assert run.config["options"]["task"] == "regression"
    assert run.config["options"]["decision_threshold"] == 30.0
    assert run.config["checks"] == []  # the extra check of the hidden binary fieldset is dropped
    assert run.result["task"] == "regression"
    page = owner_client.get(run.get_absolute_url()).content.decode()
    assert "Mean absolute error by sex" in page


def test_a_multiclass_mapping_creates_a_multiclass_run(owner_client, audit):
    dataset = upload(owner_client, audit, multiclass_csv())
    body = owner_client.get(map_url(dataset)).content.decode()
    assert 'data-task="multiclass"' in body
    data = mapping_post(
        task="multiclass", y_true="true_band", y_pred="predicted_band", pos_label="1"
    )
    owner_client.post(map_url(dataset), data)
    run = FairnessRun.objects.get(dataset=dataset)
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    assert run.result["task"] == "multiclass"
    assert run.config["mapping"]["pos_label"] is None


def test_choose_task_re_renders_without_running(owner_client, audit):
    dataset = upload(owner_client, audit, regression_csv())
    data = mapping_post(task="multiclass", choose_task="1", y_true="actual", y_pred="predicted")
    response = owner_client.post(map_url(dataset), data)
    assert response.status_code == 200
    assert 'data-task="multiclass"' in response.content.decode()
    assert not FairnessRun.objects.filter(dataset=dataset).exists()


def test_attributes_upload_then_a_joined_run(owner_client, audit):
    predictions, attributes = joined_files()
    dataset = upload(owner_client, audit, predictions)
    response = attributes_post(owner_client, dataset, attributes)
    extra = Dataset.objects.get(audit=audit, kind=DatasetKind.ATTRIBUTES)
    assert response.status_code == 302
    assert response.url == f"{map_url(dataset)}?attributes={extra.pk}"
    body = owner_client.get(response.url).content.decode()
    assert "sex (attributes file)" in body
    assert f'<option value="{extra.pk}" selected>people.csv</option>' in body
    data = mapping_post(attributes=str(extra.pk), id="person", sensitive=["sex"])
    owner_client.post(map_url(dataset), data)
    run = FairnessRun.objects.get(dataset=dataset)
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    assert run.attributes == extra
    # Ids 51..60 have no attributes; 101..105 no predictions.
    assert run.result["input"]["unmatched"] == {"predictions": 10, "attributes": 5}
    page = owner_client.get(run.get_absolute_url()).content.decode()
    assert "unmatched: 10 prediction rows, 5 attribute rows" in page
    # "Fix the mapping" starts from the run: the same attributes file, id and sensitive column.
    again = owner_client.get(f"{map_url(dataset)}?run={run.pk}").content.decode()
    assert f'<option value="{extra.pk}" selected>people.csv</option>' in again
    assert '<option value="person" selected>person</option>' in again
    assert re.search(r'name="sensitive" value="sex"[^>]*checked', again)


def test_a_joined_mapping_without_id_is_a_form_error(owner_client, audit):
    predictions, attributes = joined_files()
    dataset = upload(owner_client, audit, predictions)
    attributes_post(owner_client, dataset, attributes)
    extra = Dataset.objects.get(audit=audit, kind=DatasetKind.ATTRIBUTES)
    response = owner_client.post(
        map_url(dataset), mapping_post(attributes=str(extra.pk), id="", sensitive=["sex"])
    )
    assert response.status_code == 200
    assert "Choose the id column both files have" in response.content.decode()
    assert not FairnessRun.objects.exists()


def test_a_bad_attributes_file_is_not_kept(owner_client, audit, media):
    dataset = upload(owner_client, audit, joined_files()[0])
    before = stored_files(media)
    response = attributes_post(owner_client, dataset, b"", name="people.csv")
    assert response.status_code == 302 and response.url == map_url(dataset)
    assert not Dataset.objects.filter(kind=DatasetKind.ATTRIBUTES).exists()
    assert stored_files(media) == before
    page = owner_client.get(response.url).content.decode()
    assert "The attributes file was not kept" in page


def test_parquet_upload_is_mapped_like_the_csv(owner_client, audit):
    dataset = upload(owner_client, audit, csv_as_parquet(regression_csv()), "p.parquet")
    assert dataset.file.name.endswith(".parquet")
    body = owner_client.get(map_url(dataset)).content.decode()
    assert "Parquet" in body and 'data-task="regression"' in body


def test_the_check_endpoint_follows_the_chosen_columns(owner_client, audit):
    dataset = upload(owner_client, audit, regression_csv())
    url = reverse("audits:dataset_map_check", args=[audit.pk, dataset.pk])
    payload = owner_client.get(
        url, {"task": "binary", "y_true": "actual", "y_pred": "predicted", "sensitive": "sex",
              "sql_dialect": "spark", "sql_table": "db.preds"}
    ).json()  # fmt: skip
    assert any("distinct values" in w for w in payload["warnings"])
    assert payload["sql"].startswith("SELECT `sex`, `actual`, `predicted`, COUNT(*)")
    assert "FROM `db`.`preds`" in payload["sql"]
    labels = [c for c in payload["pos_label_choices"] if isinstance(c[1], list)]
    assert labels[0][0] == "Values in actual"
    payload = owner_client.get(url, {"task": "binary", "sensitive": "sex"}).json()
    assert payload["sql"] == "" and payload["sql_problem"]


@pytest.mark.parametrize("name", ["dataset_map_check", "attributes_upload"])
def test_new_urls_member_without_role_403_outsider_404(
    name, audit, owner_client, viewer_client, outsider_client
):
    dataset = upload(owner_client, audit, regression_csv())
    url = reverse(f"audits:{name}", args=[audit.pk, dataset.pk])
    method = "get" if name == "dataset_map_check" else "post"
    assert getattr(owner_client, method)(url).status_code in (200, 302)
    assert getattr(viewer_client, method)(url).status_code == 403
    assert getattr(outsider_client, method)(url).status_code == 404
