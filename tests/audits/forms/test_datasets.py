"""The mapping form takes the engine's defaults and the engine's validation of a mapping."""

from __future__ import annotations

from django.urls import reverse

from audits.forms.datasets import MappingForm
from audits.models import FairnessRun
from fairness import CHECK_GROUPS, DEFAULT_OPTIONS, ERROR_MESSAGES
from tests.audits.dataset_fixtures import *  # noqa: F403  (the datasets fixtures apply here)
from tests.audits.dataset_fixtures import mapping_post


def test_the_form_starts_from_the_engine_defaults(dataset):
    form = MappingForm(dataset=dataset)
    for name in ("four_fifths_threshold", "exclusion_share", "min_group_size", "threshold"):
        assert form.fields[name].initial == DEFAULT_OPTIONS[name]
    assert form.fields["disparity_method"].initial == DEFAULT_OPTIONS["disparity_method"]


def test_a_mapping_without_decision_shows_the_engine_message_next_to_the_decision(dataset):
    form = MappingForm(mapping_post(y_pred="", score=""), dataset=dataset)
    assert not form.is_valid()
    assert form.errors["y_pred"] == [ERROR_MESSAGES["no_decision_column"]]


def test_a_column_mapped_twice_shows_the_engine_message_on_the_second_role(dataset):
    form = MappingForm(mapping_post(score="label"), dataset=dataset)
    assert not form.is_valid()
    assert form.errors["score"] == [
        "Column 'label' is mapped twice (y_true and score); each role needs its own column."
    ]


def test_check_groups_is_offered_with_the_engines_default_reliable_groups(dataset):
    form = MappingForm(dataset=dataset)
    field = form.fields["check_groups"]
    assert field.initial == DEFAULT_OPTIONS["check_groups"] == "reliable"
    assert [value for value, _ in field.choices] == list(CHECK_GROUPS)
    labels = dict(field.choices)
    assert labels["reliable"].startswith("Reliable groups (default): checks use only groups")
    assert "fairlearn's behaviour" in labels["all"]


def test_check_groups_defaults_to_reliable_when_not_posted_and_keeps_a_choice(dataset):
    form = MappingForm(mapping_post(), dataset=dataset)
    assert form.is_valid(), form.errors
    assert form.options["check_groups"] == "reliable"
    form = MappingForm(mapping_post(check_groups="all"), dataset=dataset)
    assert form.is_valid(), form.errors
    assert form.options["check_groups"] == "all"


def test_check_groups_is_stored_in_the_run_config_and_offered_again(owner_client, dataset):
    url = reverse("audits:dataset_map", args=[dataset.audit_id, dataset.pk])
    response = owner_client.post(url, mapping_post(check_groups="all"))
    assert response.status_code == 302
    run = FairnessRun.objects.get(dataset=dataset)
    assert run.config["options"]["check_groups"] == "all"
    assert run.result["settings"]["check_groups"] == "all"
    initial = MappingForm.initial_from(dataset=dataset, config=run.config)
    assert initial["check_groups"] == "all"
