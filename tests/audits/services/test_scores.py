"""The stored score summary equals the scores recomputed from the answers after every kind of write.

`Audit.score_summary` is what the audit list shows; if any write forgot to refresh it, the list
would drift from the audit page. Each test makes one kind of write and compares the stored copy
with `audit_scores(audit)`, the recomputation from the answers and the pinned version.
"""

import pytest
from django.apps import apps

from audits.models import Answer, Audit
from audits.scoring import INCOMPLETE, SUMMARY_FORMAT, AuditScores
from audits.selectors import scores_for_audits
from audits.selectors.audits import audit_scores
from audits.services.answers import AnswerChange, AnswerConflict, answer_save, answers_save
from audits.services.audits import audit_create
from audits.services.gates import gate_override, gates_answer_from_run
from checklists.models import AnswerKind
from checklists.services import question_update, version_new_draft
from tests.audits.reaudit_data import gate_run, make_reaudit
from tests.factories import AuditFactory, published_version

JUSTIFICATION = "The reviewer accepted the bias study in place of the run for this release."


def stored(audit: Audit) -> AuditScores | None:
    audit.refresh_from_db(fields=["score_summary"])
    return AuditScores.from_summary(audit.score_summary)


def assert_current(audit: Audit) -> AuditScores:
    summary = stored(audit)
    assert summary is not None, "the write left no summary"
    assert summary == audit_scores(audit)
    return summary


@pytest.fixture
def gated_audit(team, owner):
    version = published_version(with_gate=True)
    return audit_create(
        team=team, user=owner, title="Credit", system_name="Scorer", checklist_version=version
    )


def _question(audit, code):
    return audit.checklist_version.questions.get(code=code)


def test_a_new_audit_stores_its_scores_and_a_waiting_gate_makes_it_incomplete(gated_audit):
    summary = assert_current(gated_audit)
    assert (summary.answered, summary.band) == (0, INCOMPLETE)


def test_each_saved_answer_and_a_changed_or_cleared_one_refresh_the_summary(gated_audit, auditor):
    question = _question(gated_audit, "FAIR-01")
    answer_save(audit=gated_audit, user=auditor, question=question, value="yes", seen_revision=0)
    first = assert_current(gated_audit)
    answer_save(audit=gated_audit, user=auditor, question=question, value="no", seen_revision=1)
    changed = assert_current(gated_audit)
    assert changed.for_principle("fairness").score < first.for_principle("fairness").score
    answer_save(audit=gated_audit, user=auditor, question=question, value="", seen_revision=2)
    assert assert_current(gated_audit).answered == 0


def test_a_page_of_answers_saved_at_once_refreshes_the_summary(gated_audit, auditor):
    questions = gated_audit.checklist_version.questions.exclude(answer_kind=AnswerKind.GATE)
    changes = [
        AnswerChange(question=q, value="partial", note_md="", seen_revision=0) for q in questions
    ]
    answers_save(audit=gated_audit, user=auditor, changes=changes)
    assert assert_current(gated_audit).answered == len(changes)


def test_a_refused_save_leaves_the_summary_as_it_was(gated_audit, auditor):
    question = _question(gated_audit, "FAIR-01")
    answer_save(audit=gated_audit, user=auditor, question=question, value="yes", seen_revision=0)
    before = assert_current(gated_audit)
    stale = [
        AnswerChange(
            question=_question(gated_audit, "ACC-01"), value="no", note_md="", seen_revision=0
        ),
        AnswerChange(
            question=question, value="no", note_md="", seen_revision=0
        ),  # revision 1 is stored
    ]
    with pytest.raises(AnswerConflict):
        answers_save(audit=gated_audit, user=auditor, changes=stale)
    assert stored(gated_audit) == before == audit_scores(gated_audit)


def test_a_run_answering_the_gate_refreshes_the_summary(gated_audit, auditor):
    gates_answer_from_run(run=gate_run(gated_audit, auditor, value=0.72))
    summary = assert_current(gated_audit)
    assert Answer.objects.get(audit=gated_audit, question__code="FAIR-G1").value == "fail"
    assert summary.band != INCOMPLETE  # the gate is answered: nothing waits for a run


def test_an_override_refreshes_the_summary(gated_audit, auditor):
    gates_answer_from_run(run=gate_run(gated_audit, auditor, value=0.72))
    failed = assert_current(gated_audit)
    gate_override(
        audit=gated_audit,
        question=_question(gated_audit, "FAIR-G1"),
        user=auditor,
        value="pass",
        justification=JUSTIFICATION,
    )
    overridden = assert_current(gated_audit)
    assert overridden.for_principle("fairness").score > failed.for_principle("fairness").score


def test_a_reaudit_stores_the_scores_of_its_copied_answers(
    team, owner, auditor, reviewer, django_capture_on_commit_callbacks
):
    _, reaudit = make_reaudit(
        team=team,
        owner=owner,
        auditor=auditor,
        reviewer=reviewer,
        capture=django_capture_on_commit_callbacks,
    )
    summary = assert_current(reaudit)
    assert summary.answered > 0  # the copied answers count
    assert summary.band == INCOMPLETE  # gates are not copied: the gate waits for a run


def test_a_checklist_change_leaves_audits_on_the_published_version_current(gated_audit, auditor):
    answer_save(
        audit=gated_audit,
        user=auditor,
        question=_question(gated_audit, "FAIR-01"),
        value="yes",
        seen_revision=0,
    )
    before = assert_current(gated_audit)
    draft = version_new_draft(version=gated_audit.checklist_version, user=None)
    question_update(question=draft.questions.get(code="FAIR-01"), weight=5.0)
    assert assert_current(gated_audit) == before


def test_the_list_reads_stored_summaries_without_reading_answers(
    gated_audit, django_assert_num_queries
):
    gated_audit.refresh_from_db()
    with django_assert_num_queries(0):
        scores = scores_for_audits([gated_audit])
    assert scores[gated_audit.pk] == audit_scores(gated_audit)


def test_an_audit_without_a_current_summary_is_scored_from_its_answers(
    team, owner, checklist_version, django_assert_num_queries
):
    never_written = AuditFactory(team=team, checklist_version=checklist_version, created_by=owner)
    old_format = AuditFactory(team=team, checklist_version=checklist_version, created_by=owner)
    Audit.objects.filter(pk=old_format.pk).update(
        score_summary={"format": SUMMARY_FORMAT - 1, "principles": []}
    )
    chosen = Audit.objects.filter(pk__in=[never_written.pk, old_format.pk])
    audits = list(chosen.select_related("checklist_version"))  # as the list selector loads them
    with django_assert_num_queries(2):  # the versions' questions, the audits' answers
        scores = scores_for_audits(audits)
    assert scores == {a.pk: audit_scores(a) for a in audits}


def test_the_migration_fills_the_summary_of_existing_audits(
    team, owner, auditor, checklist_version
):
    audit = AuditFactory(team=team, checklist_version=checklist_version, created_by=owner)
    Answer.objects.create(
        audit=audit, question=_question(audit, "FAIR-01"), value="partial", revision=1
    )
    fill_summaries = __import__(
        "audits.migrations.0009_audit_score_summary", fromlist=["fill_summaries"]
    ).fill_summaries
    fill_summaries(apps, None)
    assert assert_current(audit).answered == 1
