"""The engine's exported defaults and mapping validation: one source for every caller."""

from __future__ import annotations

import inspect

import pytest

import fairness
from fairness import (
    DEFAULT_OPTIONS,
    ERROR_MESSAGES,
    ColumnMapping,
    DatasetError,
    MappingProblem,
    looks_positive,
)


def test_default_options_are_the_keyword_defaults_of_assess():
    parameters = inspect.signature(fairness.assess).parameters
    assert {name: parameters[name].default for name in DEFAULT_OPTIONS} == dict(DEFAULT_OPTIONS)


def test_default_options_cannot_be_changed_by_a_caller():
    with pytest.raises(TypeError):
        DEFAULT_OPTIONS["four_fifths_threshold"] = 0.5  # type: ignore[index]


@pytest.mark.parametrize("value", ["1", "1.0", " 1 ", "TRUE", "yes", "Y", "t"])
def test_values_the_engine_takes_as_positive_by_default(value):
    assert looks_positive(value)


@pytest.mark.parametrize("value", ["0", "no", "false", "approved", "2", ""])
def test_values_the_engine_does_not_take_as_positive_by_default(value):
    assert not looks_positive(value)


def test_a_mapping_lists_every_problem_with_the_role_it_belongs_to():
    mapping = ColumnMapping(y_true="label", score="label", sensitive=[])
    assert mapping.problems() == [
        MappingProblem("sensitive", "no_sensitive_column", ERROR_MESSAGES["no_sensitive_column"]),
        MappingProblem(
            "score",
            "duplicate_mapping",
            "Column 'label' is mapped twice (y_true and score); each role needs its own column.",
        ),
    ]


def test_validate_raises_the_first_problem():
    mapping = ColumnMapping(y_true="label", sensitive=["sex"])
    assert [p.code for p in mapping.problems()] == ["no_decision_column"]
    with pytest.raises(DatasetError) as caught:
        mapping.validate()
    assert caught.value.code == "no_decision_column"
    assert caught.value.message == ERROR_MESSAGES["no_decision_column"]


def test_a_valid_mapping_has_no_problem():
    assert ColumnMapping(y_pred="d", sensitive=["sex"]).problems() == []
