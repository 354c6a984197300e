"""Re-audits that tell the truth, and evidence counted before submission (issue 15)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audits.models import Answer
from audits.selectors import audit_missing_items, evidence_progress
from audits.selectors.audits import EVIDENCE_REASON, RECHECK_REASON
from audits.selectors.compare import question_changes
from audits.services.answers import RECHECK_CONFIRMED, answer_confirm_recheck, answer_save
from audits.services.audits import IncompleteAudit, audit_submit
from audits.services.evidence import evidence_add, evidence_add_link
from checklists.models import AnswerKind
from tests.audits.reaudit_data import REWORDED, answer_gate, gate_run, make_reaudit
from tests.factories import QuestionFactory


@pytest.fixture
def reaudit(team, owner, auditor, reviewer, django_capture_on_commit_callbacks):
    return make_reaudit(
        team=team,
        owner=owner,
        auditor=auditor,
        reviewer=reviewer,
        capture=django_capture_on_commit_callbacks,
    )[1]


def _answer(audit, code) -> Answer:
    return audit.answers.select_related("question").get(question__code=code)


def test_a_copy_into_a_reworded_question_is_flagged_and_the_others_are_not(reaudit):
    flagged = {
        a.question.code: a.recheck_reason for a in reaudit.answers.filter(needs_recheck=True)
    }
    assert flagged == {REWORDED: "The question's text changed in version 2."}
    assert _answer(reaudit, "FAIR-01").value == "yes"  # copied, same wording: no flag


def test_question_changes_compares_the_stored_versions_text_and_options():
    base = QuestionFactory.build(text="Is it  fair?", answer_kind=AnswerKind.YES_NO)
    assert (
        question_changes(base, QuestionFactory.build(text="Is it fair?", answer_kind="yes_no"))
        == ""
    )
    assert (
        question_changes(base, QuestionFactory.build(text="Is it just?", answer_kind="yes_no"))
        == "text"
    )
    options = [
        {"value": "a", "label": "A", "score": 1.0},
        {"value": "b", "label": "B", "score": 0.0},
    ]
    old = QuestionFactory.build(text="Q", answer_kind=AnswerKind.CHOICE, choices=options)
    rescored = [{**options[0], "score": 0.5}, options[1]]
    new = QuestionFactory.build(text="Q!", answer_kind=AnswerKind.CHOICE, choices=rescored)
    assert question_changes(old, new) == "text and options"


def test_the_copy_is_recorded_as_copied_from_the_earlier_audit(reaudit):
    record = _answer(reaudit, "FAIR-01").history.get()
    assert (
        record.history_change_reason
        == f"copied from audit #{reaudit.previous_audit_id} (version 1)"
    )


def test_a_flagged_answer_blocks_submission_until_an_auditor_confirms_it(reaudit, auditor):
    missing = {(m.question.code, m.reason) for m in audit_missing_items(reaudit)}
    assert (REWORDED, RECHECK_REASON) in missing

    question = _answer(reaudit, REWORDED).question
    confirmed = answer_confirm_recheck(audit=reaudit, user=auditor, question=question)
    assert (confirmed.needs_recheck, confirmed.value, confirmed.revision) == (False, "yes", 1)
    latest = confirmed.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (auditor, RECHECK_CONFIRMED)
    assert RECHECK_REASON not in {m.reason for m in audit_missing_items(reaudit)}
    with pytest.raises(
        ValidationError, match="no copied answer waiting"
    ):  # nothing left to confirm
        answer_confirm_recheck(audit=reaudit, user=auditor, question=question)


def test_saving_a_new_answer_clears_the_re_check(reaudit, auditor):
    answer = _answer(reaudit, REWORDED)
    saved = answer_save(
        audit=reaudit, user=auditor, question=answer.question, value="partial", seen_revision=1
    )
    assert (saved.needs_recheck, saved.recheck_reason) == (False, "")


def test_only_an_answering_role_confirms(reaudit, viewer, reviewer):
    question = _answer(reaudit, REWORDED).question
    for user in (viewer, reviewer):
        with pytest.raises(PermissionDenied):
            answer_confirm_recheck(audit=reaudit, user=user, question=question)
    assert _answer(reaudit, REWORDED).needs_recheck


def test_submission_lists_the_re_check_the_evidence_and_the_gate(reaudit, auditor):
    with pytest.raises(IncompleteAudit) as refused:
        audit_submit(audit=reaudit, user=auditor)
    reasons = {(m.question.code, m.reason) for m in refused.value.items}
    # Gates are not copied; evidence is not copied; FAIR-02 was reworded.
    assert reasons == {
        ("FAIR-G1", "not answered yet: run a fairness analysis on the predictions"),
        (REWORDED, RECHECK_REASON),
        ("ACC-01", EVIDENCE_REASON),
    }
    answer_gate(reaudit, gate_run(reaudit, auditor, value=0.85), "pass")
    answer_confirm_recheck(
        audit=reaudit, user=auditor, question=_answer(reaudit, REWORDED).question
    )
    evidence_add_link(
        audit=reaudit,
        user=auditor,
        url="https://example.org/e",
        question=_answer(reaudit, "ACC-01").question,
    )
    assert audit_submit(audit=reaudit, user=auditor).status == "in_review"


def test_evidence_progress_counts_required_evidence_and_skips_not_applicable(audit, auditor):
    questions = list(audit.checklist_version.questions.all())
    first, second = questions[0], questions[1]
    # The version is published (frozen), so the flags are set in memory: the count reads them.
    first.evidence_required = second.evidence_required = True
    progress = evidence_progress(audit, questions=[first, second], answers={})
    assert (progress.present, progress.total) == (0, 2)

    evidence_add_link(audit=audit, user=auditor, url="https://example.org/a", question=first)
    na = answer_save(audit=audit, user=auditor, question=second, value="na", seen_revision=0)
    progress = evidence_progress(audit, questions=[first, second], answers={second.pk: na})
    assert (progress.present, progress.total, set(progress.missing)) == (1, 1, set())
    assert progress.for_questions([second.pk]).total == 0


def test_evidence_add_without_a_file_is_refused(audit, auditor):
    with pytest.raises(ValidationError, match="Choose a file"):
        evidence_add(audit=audit, user=auditor, kind="file")
    assert not audit.evidence.exists()
