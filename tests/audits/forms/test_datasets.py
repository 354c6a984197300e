"""The mapping form takes the engine's defaults and the engine's validation of a mapping."""

from __future__ import annotations

from audits.forms.datasets import MappingForm
from fairness import DEFAULT_OPTIONS, ERROR_MESSAGES
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
