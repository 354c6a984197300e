"""Metric-gate answers come from the latest successful run, with the run as evidence; an auditor may
override one only with a written justification, which is recorded, kept by later runs, and shown.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audits.jobs.worker import run_execute
from audits.models import Answer, Evidence, RunStatus
from audits.services.common import AuditLocked
from audits.services.gates import (
    gate_checks,
    gate_note,
    gate_outcome,
    gate_override,
    gates_answer_from_run,
)
from tests.audits.dataset_fixtures import *  # noqa: F403  (the datasets fixtures apply here)
from tests.audits.dataset_fixtures import GATES, fair_csv, gated_version

JUSTIFICATION = "The sample over-represents applicants from one branch; see the sampling memo."


def _answers(audit) -> dict[str, Answer]:
    return {
        a.question.code: a for a in Answer.objects.filter(audit=audit).select_related("question")
    }


def test_every_gate_of_the_checklist_becomes_a_check_of_the_run(make_run):
    run = make_run()
    gates = [c for c in run.config["checks"] if c["source"] == "gate"]
    assert [(c["metric"], c["comparison"], c["threshold"], c["question"]) for c in gates] == [
        ("impact_ratio", ">=", 0.8, "FAIR-G1"),
        ("demographic_parity_ratio", ">=", 0.8, "FAIR-G2"),
        ("equalized_odds_difference", "<=", 0.5, "FAIR-G3"),
    ]


def test_a_run_answers_the_gates_and_is_linked_as_evidence(make_run, audit, owner):
    run = make_run()
    assert run.status == RunStatus.SUCCEEDED
    answers = _answers(audit)
    assert answers["FAIR-G1"].value == "fail"  # impact ratio 0.4 < 0.8
    assert answers["FAIR-G2"].value == "fail"  # demographic parity ratio 0.4 < 0.8
    assert answers["FAIR-G3"].value == "pass"  # equalized odds difference 0.3 <= 0.5
    assert "FAIR-01" not in answers  # not a gate: untouched
    g1 = answers["FAIR-G1"]
    assert (g1.run, g1.answered_by, g1.revision) == (run, owner, 1)
    assert g1.note_md.startswith(
        f"From fairness run #{run.pk}: selection-rate impact ratio ≥ 0.8 on every grouping"
    )
    assert (
        "- selection-rate impact ratio 0.40 (95% interval 0.30–0.59) on sex, LL144 groups (threshold ≥ 0.8) — "
        "fails. Set by 0.40: F 0.200 vs M 0.500 (reference)"
    ) in g1.note_md
    assert "A screening threshold, not a verdict of fairness." in g1.note_md
    evidence = Evidence.objects.filter(audit=audit, run=run)
    assert sorted(e.question.code for e in evidence) == ["FAIR-G1", "FAIR-G2", "FAIR-G3"]
    assert {e.description for e in evidence} == {f"Fairness run #{run.pk}"}


def test_a_newer_run_updates_the_answers_and_adds_its_evidence(make_run, make_dataset, audit):
    first = make_run()
    second = make_run(on=make_dataset(fair_csv()))
    answers = _answers(audit)
    assert answers["FAIR-G1"].value == "pass"
    assert answers["FAIR-G1"].run == second
    assert answers["FAIR-G1"].revision == 2
    assert Evidence.objects.filter(run=first).count() == 3
    assert Evidence.objects.filter(run=second).count() == 3
    assert answers["FAIR-G1"].history.count() == 2


def test_answering_twice_from_the_same_run_adds_no_duplicate_evidence(make_run, audit):
    run = make_run()
    gates_answer_from_run(run=run)
    assert Evidence.objects.filter(run=run).count() == 3
    assert _answers(audit)["FAIR-G1"].revision == 2


def test_only_the_latest_successful_run_answers_the_gates(make_run, make_dataset, audit):
    older = make_run()
    newer = make_run(on=make_dataset(fair_csv()))
    before = {c: (a.value, a.run_id, a.revision) for c, a in _answers(audit).items()}
    assert before["FAIR-G1"] == ("pass", newer.pk, 2)
    # The older run is computed again and finishes last (say, a slow worker): it answers nothing.
    type(older).objects.filter(pk=older.pk).update(status=RunStatus.QUEUED)
    run_execute(run_pk=older.pk)
    older.refresh_from_db()
    assert older.status == RunStatus.SUCCEEDED
    assert {c: (a.value, a.run_id, a.revision) for c, a in _answers(audit).items()} == before


def test_a_failed_run_answers_nothing(make_run, audit):
    run = make_run(mapping={"sensitive": ["gender"]})
    assert run.status == RunStatus.FAILED
    assert Answer.objects.filter(audit=audit).count() == 0
    assert Evidence.objects.filter(audit=audit).count() == 0


def test_a_gate_the_run_cannot_compute_is_not_applicable_with_the_reason(make_run, audit):
    run = make_run(mapping={"y_true": None})  # selection only: no equalized odds
    assert run.status == RunStatus.SUCCEEDED
    answers = _answers(audit)
    assert answers["FAIR-G3"].value == "na"
    assert "undefined" in answers["FAIR-G3"].note_md
    assert answers["FAIR-G1"].value == "fail"


def test_gate_outcome_rules():
    gate = {"metric": "impact_ratio", "comparison": ">=", "threshold": 0.8}

    def check(value, passed, grouping="g"):
        return {**gate, "grouping": grouping, "value": value, "passed": passed}

    assert gate_outcome(gate, {"checks": [check(0.9, True), check(0.85, True, "h")]})[0] == "pass"
    assert gate_outcome(gate, {"checks": [check(0.9, True), check(0.5, False, "h")]})[0] == "fail"
    assert gate_outcome(gate, {"checks": [check(0.9, True), check(None, None, "h")]})[0] == "na"
    assert gate_outcome(gate, {"checks": []})[0] == "na"
    other = {**check(0.5, False), "threshold": 0.9}  # a different check on the same metric
    assert gate_outcome(gate, {"checks": [check(0.85, True), other]})[0] == "pass"


def _verdict_check(value, interval, verdict, *, grouping="sex", reason=None):
    return {
        "metric": "demographic_parity_ratio",
        "comparison": ">=",
        "threshold": 0.8,
        "grouping": grouping,
        "value": value,
        "passed": None if value is None else value >= 0.8,
        "interval": interval,
        "verdict": verdict,
        "verdict_basis": "interval" if value is not None else None,
        "verdict_reason": reason,
        "check_groups": "reliable",
        "drivers": {"min": "F", "max": "M", "min_value": 0.4, "max_value": 0.5},
    }


DPR_GATE = {"metric": "demographic_parity_ratio", "comparison": ">=", "threshold": 0.8}
SPANS = (
    "the interval [0.72, 0.95] spans the threshold 0.8; needs more data or a reviewer's judgement"
)


def test_a_gate_passes_only_when_every_grouping_passes_on_its_interval():
    checks = [_verdict_check(0.9, [0.85, 0.95], "pass"), _verdict_check(0.95, [0.9, 1.0], "pass")]
    assert gate_outcome(DPR_GATE, {"checks": checks})[0] == "pass"


def test_a_gate_fails_when_any_grouping_fails_even_if_another_is_inconclusive():
    checks = [
        _verdict_check(0.85, [0.72, 0.95], "inconclusive", reason=SPANS),
        _verdict_check(0.5, [0.4, 0.6], "fail", grouping="race"),
    ]
    assert gate_outcome(DPR_GATE, {"checks": checks})[0] == "fail"


def test_a_gate_is_inconclusive_when_an_interval_straddles_the_threshold_and_none_fails():
    checks = [
        _verdict_check(0.9, [0.85, 0.95], "pass"),
        _verdict_check(0.85, [0.72, 0.95], "inconclusive", grouping="race", reason=SPANS),
    ]
    assert gate_outcome(DPR_GATE, {"checks": checks})[0] == "inconclusive"


def test_a_gate_follows_the_verdict_not_the_point_value():
    # The point value passes (0.85 >= 0.8) but the interval cannot tell: not a pass.
    checks = [_verdict_check(0.85, [0.72, 0.95], "inconclusive", reason=SPANS)]
    assert checks[0]["passed"] is True
    assert gate_outcome(DPR_GATE, {"checks": checks})[0] == "inconclusive"


def test_a_gate_nothing_was_measured_for_is_not_applicable():
    checks = [_verdict_check(None, None, "inconclusive", reason="the value cannot be computed")]
    assert gate_outcome(DPR_GATE, {"checks": checks})[0] == "na"


def test_a_document_from_before_verdicts_is_read_by_its_point_comparison():
    old = [{k: v for k, v in c.items() if not k.startswith(("verdict", "interval"))}
           for c in (_verdict_check(0.85, [0.72, 0.95], "inconclusive"),
                     _verdict_check(0.9, [0.85, 0.95], "pass"))]  # fmt: skip
    assert gate_outcome(DPR_GATE, {"checks": old})[0] == "pass"
    old[0]["value"], old[0]["passed"] = 0.5, False
    assert gate_outcome(DPR_GATE, {"checks": old})[0] == "fail"
    old[0]["value"], old[0]["passed"] = None, None
    assert gate_outcome(DPR_GATE, {"checks": old})[0] == "na"


def test_an_inconclusive_note_says_which_grouping_and_why(make_run, audit, gate_questions):
    run = make_run()
    checks = [
        _verdict_check(0.9, [0.85, 0.95], "pass"),
        _verdict_check(0.85, [0.72, 0.95], "inconclusive", grouping="race", reason=SPANS),
    ]
    note = gate_note(
        run=run, question=gate_questions["FAIR-G2"], value="inconclusive", checks=checks
    )
    assert "— inconclusive: needs more data or a reviewer's judgement." in note
    assert f"Inconclusive on race, {SPANS}." in note
    assert (
        "- selection-rate ratio (demographic parity) 0.85 (95% interval 0.72–0.95) on race, reliable groups "
        f"(threshold ≥ 0.8) — inconclusive: {SPANS}. Set by 0.85: F 0.400 vs M 0.500"
    ) in note


def test_an_override_cannot_set_inconclusive(audit, auditor, gate_questions):
    with pytest.raises(ValidationError) as error:
        gate_override(
            audit=audit,
            question=gate_questions["FAIR-G2"],
            user=auditor,
            value="inconclusive",
            justification=JUSTIFICATION,
        )
    assert "value" in error.value.message_dict


def test_gate_checks_are_deduplicated(audit):
    checks = gate_checks(audit)
    assert len(checks) == len({(c["metric"], c["comparison"], c["threshold"]) for c in checks})


# -- overrides -----------------------------------------------------------------------------------


def test_auditor_overrides_a_gate_with_a_justification(make_run, audit, auditor, gate_questions):
    make_run()
    question = gate_questions["FAIR-G1"]
    answer = gate_override(
        audit=audit, question=question, user=auditor, value="pass", justification=JUSTIFICATION
    )
    assert (answer.value, answer.override_justification) == ("pass", JUSTIFICATION)
    assert (answer.answered_by, answer.revision) == (auditor, 2)
    last = answer.history.first()
    assert (last.value, last.override_justification, last.history_user) == (
        "pass",
        JUSTIFICATION,
        auditor,
    )


@pytest.mark.parametrize("justification", ["", "   ", "too short, sorry"])
def test_override_without_a_real_justification_is_refused(
    audit, auditor, gate_questions, justification
):
    with pytest.raises(ValidationError) as refused:
        gate_override(
            audit=audit,
            question=gate_questions["FAIR-G1"],
            user=auditor,
            value="pass",
            justification=justification,
        )
    assert "justification" in refused.value.message_dict
    assert Answer.objects.count() == 0


def test_override_with_an_unknown_value_is_refused(audit, auditor, gate_questions):
    with pytest.raises(ValidationError) as refused:
        gate_override(
            audit=audit,
            question=gate_questions["FAIR-G1"],
            user=auditor,
            value="maybe",
            justification=JUSTIFICATION,
        )
    assert "value" in refused.value.message_dict
    assert Answer.objects.count() == 0


def test_reviewer_cannot_override(audit, reviewer, gate_questions):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        gate_override(
            audit=audit,
            question=gate_questions["FAIR-G1"],
            user=reviewer,
            value="pass",
            justification=JUSTIFICATION,
        )
    assert Answer.objects.count() == 0


def test_a_later_run_keeps_the_override_and_notes_what_it_found(
    make_run, make_dataset, audit, auditor, gate_questions
):
    make_run()
    gate_override(
        audit=audit,
        question=gate_questions["FAIR-G3"],
        user=auditor,
        value="fail",
        justification=JUSTIFICATION,
    )
    later = make_run(on=make_dataset(fair_csv()))
    answer = _answers(audit)["FAIR-G3"]
    assert answer.value == "fail"  # the override stands
    assert answer.override_justification == JUSTIFICATION
    assert answer.run == later
    assert f"A newer run (#{later.pk}) gives “pass”" in answer.note_md
    assert _answers(audit)["FAIR-G1"].value == "pass"  # not overridden: follows the run


def test_override_form_shows_errors_next_to_the_field_and_keeps_the_input(
    auditor_client, audit, gate_questions
):
    url = reverse("audits:gate_override", args=[audit.pk, gate_questions["FAIR-G1"].pk])
    response = auditor_client.post(url, {"value": "pass", "justification": "because"})
    assert response.status_code == 200
    assert "justification" in response.context["form"].errors
    assert "because" in response.content.decode()
    assert Answer.objects.count() == 0


def test_override_is_shown_on_the_run_page(
    make_run, auditor_client, audit, auditor, gate_questions
):
    run = make_run()
    gate_override(
        audit=audit,
        question=gate_questions["FAIR-G1"],
        user=auditor,
        value="pass",
        justification=JUSTIFICATION,
    )
    body = auditor_client.get(run.get_absolute_url()).content.decode()
    assert "Overridden" in body
    assert JUSTIFICATION in body


def test_locked_audit_refuses_override_in_the_service(approve, audit, auditor, gate_questions):
    approve(audit)
    with pytest.raises(AuditLocked):
        gate_override(
            audit=audit,
            question=gate_questions["FAIR-G1"],
            user=auditor,
            value="pass",
            justification=JUSTIFICATION,
        )
    assert Answer.objects.count() == 0


TEXT_GATE = {"metric": "refusal_rate_ratio", "comparison": ">=", "threshold": 0.8}


class TestAChecklistWithTabularAndTextGates:
    @pytest.fixture
    def checklist_version(self, db):
        """The tabular gates and an LLM gate (as version 2 of the default checklist has)."""
        return gated_version({**GATES, "FAIR-T1": TEXT_GATE})

    def test_a_predictions_run_checks_only_the_tabular_gates_and_leaves_the_text_ones(
        self, make_run, audit
    ):
        run = make_run()

        assert run.status == RunStatus.SUCCEEDED, run.error_message
        assert "refusal_rate_ratio" not in {c["metric"] for c in run.config["checks"]}
        answers = _answers(audit)
        assert {"FAIR-G1", "FAIR-G2", "FAIR-G3"} <= set(answers)
        assert "FAIR-T1" not in answers  # an LLM run answers it, never a predictions run
        assert gate_checks(audit, kind="llm") == [
            {**TEXT_GATE, "source": "gate", "question": "FAIR-T1"}
        ]


# Task gates (issue 13 item 7): a multiclass gate is read per class.
_MC_GATE = {"metric": "demographic_parity_ratio", "comparison": ">=", "threshold": 0.8}


def _class_check(cls, value, verdict):
    return {
        **_MC_GATE,
        "class": cls,
        "grouping": "sex",
        "value": value,
        "interval": [value - 0.01, value + 0.01],
        "verdict": verdict,
    }


def test_a_multiclass_gate_without_a_class_is_decided_by_the_worst_class():
    result = {"checks": [_class_check("A", 0.95, "pass"), _class_check("B", 0.5, "fail")]}
    gate = {**_MC_GATE, "task": "multiclass"}
    value, checks = gate_outcome(gate, result)
    assert value == "fail"  # class B 0.5 < 0.8, though A passes
    assert [c["class"] for c in checks] == ["A", "B"]


def test_a_class_gate_is_answered_from_its_class_only():
    result = {"checks": [_class_check("A", 0.95, "pass"), _class_check("B", 0.5, "fail")]}
    value, checks = gate_outcome({**_MC_GATE, "task": "multiclass", "class": "A"}, result)
    assert value == "pass"
    assert [c["class"] for c in checks] == ["A"]


def test_gate_checks_filter_by_task_and_carry_the_class(audit):
    audit.checklist_version = gated_version(
        {**GATES, "FAIR-G9": {**_MC_GATE, "task": "multiclass", "class": "B"}}
    )
    audit.save()
    multiclass = gate_checks(audit, task="multiclass")
    assert [(c["metric"], c.get("class")) for c in multiclass] == [
        ("demographic_parity_ratio", "B")
    ]
    assert all(c.get("class") is None for c in gate_checks(audit))
    assert gate_checks(audit, task="regression") == []


def test_an_impact_ratio_gate_says_each_grouping_once(make_run, audit):
    """The gate repeats the engine's four-fifths screen: the run holds the test twice per grouping,
    the answer (FAIR-06 in the default checklist) names each grouping once."""
    run = make_run()
    screens = [c for c in run.result["checks"] if c["metric"] == "impact_ratio"]
    assert len(screens) == 2 and {c["grouping"] for c in screens} == {"sex"}
    note = _answers(audit)["FAIR-G1"].note_md
    assert note.count("- selection-rate impact ratio 0.40") == 1
    value, checks = gate_outcome(GATES["FAIR-G1"], run.result)
    assert (value, [c["grouping"] for c in checks]) == ("fail", ["sex"])
