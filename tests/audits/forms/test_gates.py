"""The gate-override form, in the gates' forms module: an answer and a long enough justification."""

from audits.forms.gates import GateOverrideForm
from audits.services.gates import OVERRIDE_MIN_CHARS


def test_an_answer_with_a_long_enough_justification_is_valid():
    form = GateOverrideForm({"value": "pass", "justification": "x" * OVERRIDE_MIN_CHARS})
    assert form.is_valid(), form.errors


def test_a_short_justification_is_refused_with_the_minimum():
    form = GateOverrideForm({"value": "fail", "justification": "x" * (OVERRIDE_MIN_CHARS - 1)})
    assert not form.is_valid()
    assert form.errors["justification"] == [
        f"Write at least {OVERRIDE_MIN_CHARS} characters: say why the run's answer is overridden."
    ]
