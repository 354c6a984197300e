"""Realistic audits for the report tests and the PDF benchmark (bench/report_pdf.py).

Fairness runs carry real engine documents: `fairness.assess` on the Adult predictions in
demo_data/, computed once per process per mapping.
"""

import functools
import json
import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from audits.models import (
    ActionStatus,
    Answer,
    Audit,
    AuditStatus,
    Dataset,
    Decision,
    Evidence,
    FairnessRun,
    RemediationAction,
    Review,
    RunStatus,
)
from checklists.models import AnswerKind, VersionStatus
from fairness import DEFAULT_OPTIONS, Check, ColumnMapping, assess
from tests.factories import (
    PRINCIPLES,
    AuditFactory,
    ChecklistFactory,
    ChecklistVersionFactory,
    PrincipleFactory,
    QuestionFactory,
)

ADULT_CSV = Path(settings.BASE_DIR) / "demo_data" / "adult_predictions.csv"
# The default checklist's metric gates, so a run answers them (as run_create configures it).
GATE_CHECKS = (
    ("demographic_parity_ratio", ">=", 0.8),
    ("impact_ratio", ">=", 0.8),
    ("equalized_odds_difference", "<=", 0.1),
    ("equal_opportunity_difference", "<=", 0.1),
)
# What run_create stores: the engine's defaults (max_groups comes from the settings there).
OPTIONS = {k: v for k, v in DEFAULT_OPTIONS.items() if k != "max_groups"}


def adult_mapping(sensitive=("sex", "race"), *, score: bool = True) -> dict:
    return {
        "y_true": "income_over_50k",
        "y_pred": "predicted_over_50k",
        "score": "score" if score else None,
        "sensitive": list(sensitive),
        "pos_label": "1",
    }


@functools.cache
def _adult_result_json(sensitive: tuple, score: bool, draws: int) -> str:
    mapping = ColumnMapping(**adult_mapping(sensitive, score=score))
    checks = [Check(m, c, t) for m, c, t in GATE_CHECKS]
    report = assess(ADULT_CSV, mapping, checks=checks, bootstrap_draws=draws)
    return json.dumps(report.to_dict())


def adult_result(sensitive=("sex", "race"), *, score: bool = True, draws: int = 1000) -> dict:
    """The engine's fairness-report/1 document on the Adult predictions (a fresh copy)."""
    return json.loads(_adult_result_json(tuple(sensitive), score, draws))


def make_run(audit: Audit, *, user, result: dict, mapping: dict, name: str = "") -> FairnessRun:
    """A succeeded fairness run of `audit` holding `result`, on a dataset named like the file."""
    now = timezone.now()
    dataset = Dataset.objects.create(
        audit=audit,
        file=f"datasets/audit-{audit.pk}/{secrets.token_hex(8)}.csv",
        storage_token=secrets.token_hex(16),
        original_name=name or result["input"].get("filename") or "predictions.csv",
        sha256=result["input"]["sha256"],
        size=result["input"].get("size_bytes") or 1,
        preview={"columns": [], "rows": []},
        uploaded_by=user,
    )
    checks = [
        {"metric": m, "comparison": c, "threshold": t, "source": "gate"} for m, c, t in GATE_CHECKS
    ]
    return FairnessRun.objects.create(
        dataset=dataset,
        config={"mapping": mapping, "options": dict(OPTIONS), "checks": checks},
        status=RunStatus.SUCCEEDED,
        progress=1.0,
        result=result,
        versions=result.get("versions", {}),
        passed=not any(c.get("passed") is False for c in result.get("checks", [])),
        duration_ms=1840,
        created_by=user,
        started_at=now - timedelta(seconds=2),
        finished_at=now,
    )


def make_version(total_questions: int, *, title: str = "AI ethics checklist"):
    """A published version with `total_questions` questions spread over the four principles,
    of every scored kind, with references; every seventh is optional."""
    version = ChecklistVersionFactory(
        checklist=ChecklistFactory(title=title), number=1, status=VersionStatus.DRAFT
    )
    principles = [
        PrincipleFactory(code=code, name=name, order=order)
        for order, (code, name, _prefix) in enumerate(PRINCIPLES, start=1)
    ]
    for i in range(total_questions):
        principle_index = i % 4
        code, _name, prefix = PRINCIPLES[principle_index]
        number = i // 4 + 1
        kind = (AnswerKind.YES_NO, AnswerKind.YES_NO, AnswerKind.SCALE, AnswerKind.CHOICE)[i % 4]
        QuestionFactory(
            version=version,
            principle=principles[principle_index],
            code=f"{prefix}-{number:02d}",
            text=(
                f"Is control {number} of {code.replace('-', ' ')} documented, owned by a named "
                "person, and reviewed at least once a year with its evidence kept?"
            ),
            answer_kind=kind,
            choices=(
                [
                    {"value": "full", "label": "Fully in place", "score": 1.0},
                    {"value": "some", "label": "Partly in place", "score": 0.5},
                    {"value": "none", "label": "Not in place", "score": 0.0},
                ]
                if kind == AnswerKind.CHOICE
                else []
            ),
            weight=2.0 if number % 5 == 0 else 1.0,
            required=number % 7 != 0,
            evidence_required=number % 3 == 0,
            references=["EU AI Act Art. 10(2)(f)", "NIST AI RMF MEASURE 2.11"][: number % 3],
            order=number,
        )
    version.status = VersionStatus.PUBLISHED
    version.save()
    return version


_YES_NO_CYCLE = ("yes", "yes", "partial", "no", "yes", "na", "yes")
_NOTE = (
    "Reviewed with the data science lead on {date}. The **{code}** control is described in the "
    "model card, section 4; the owner is named there.\n\n- last review: Q2\n- next review: Q4"
)


def answer_all(audit: Audit, *, user, run: FairnessRun | None = None) -> list[Answer]:
    """Answer every question of the audit with a spread of values, notes and some revisions."""
    answers = []
    now = timezone.now()
    questions = audit.checklist_version.questions.select_related("principle").order_by("pk")
    for i, question in enumerate(questions):
        if question.answer_kind == AnswerKind.GATE:
            continue  # answered from the run, see gates_answer_from_run
        value = _value_for(question, i)
        answer = Answer(
            audit=audit,
            question=question,
            value=value,
            note_md=_NOTE.format(date=f"{now:%d %b %Y}", code=question.code) if i % 3 else "",
            revision=1,
            answered_by=user,
            answered_at=now,
        )
        answer._history_user = user
        answer.save()
        if i % 5 == 0:  # a second revision, so history summaries have something to count
            answer.revision = 2
            answer.note_md += "\n\nUpdated after the reviewer's question."
            answer.save()
        answers.append(answer)
    return answers


def _value_for(question, i: int) -> str:
    if question.answer_kind == AnswerKind.YES_NO:
        return _YES_NO_CYCLE[i % len(_YES_NO_CYCLE)]
    if question.answer_kind == AnswerKind.SCALE:
        return str((i * 3) % 5)
    if question.answer_kind == AnswerKind.CHOICE:
        return question.choices[i % len(question.choices)]["value"]
    if question.answer_kind == AnswerKind.TEXT:
        return (
            "Decisions are reviewed by a credit officer before any refusal is sent; the officer "
            "sees the score, its main factors and may override it."
        )
    return ""


def add_evidence(audit: Audit, *, user, every: int = 3) -> list[Evidence]:
    """A file on every `every`-th question, a link on the others' neighbours, one audit-level file."""
    items = []
    questions = list(audit.checklist_version.questions.order_by("pk"))
    for i, question in enumerate(questions):
        if i % every == 0:
            items.append(
                Evidence.objects.create(
                    audit=audit,
                    question=question,
                    file=f"evidence/audit-{audit.pk}/{secrets.token_hex(8)}",
                    original_name=f"{question.code.lower()}-evidence.pdf",
                    content_type="application/pdf",
                    size=48_213 + i,
                    sha256=f"{i:02x}" * 32,
                    description="Signed review minutes",
                    uploaded_by=user,
                )
            )
        elif i % every == 1:
            items.append(
                Evidence.objects.create(
                    audit=audit,
                    question=question,
                    url=f"https://wiki.example.org/ai/{question.code.lower()}",
                    description="Team wiki page",
                    uploaded_by=user,
                )
            )
    items.append(
        Evidence.objects.create(
            audit=audit,
            file=f"evidence/audit-{audit.pk}/{secrets.token_hex(8)}",
            original_name="model-card.pdf",
            content_type="application/pdf",
            size=120_554,
            sha256="ab" * 32,
            description="Model card, version 3",
            uploaded_by=user,
        )
    )
    return items


def add_reviews_and_actions(audit: Audit, *, auditor, reviewer) -> None:
    """A request for changes with per-principle comments, then a resubmission; two actions."""
    now = timezone.now()
    Review.objects.create(
        audit=audit,
        reviewer=reviewer,
        decision=Decision.CHANGES_REQUESTED,
        comment="Good start. The fairness evidence needs the data sheet, and oversight needs names.",
        principle_comments={
            "fairness": "Attach the data bias report for each split, not only training.",
            "human-oversight": "Name the officers who can override a decision.",
        },
        submitted_at=now - timedelta(days=3),
    )
    RemediationAction.objects.create(
        audit=audit,
        check_name="four_fifths on sex",
        description="Investigate the low selection rate for women; test a re-weighted model.",
        owner=auditor,
        due_date=(now + timedelta(days=30)).date(),
        status=ActionStatus.OPEN,
        created_by=reviewer,
    )
    RemediationAction.objects.create(
        audit=audit,
        description="Publish the model card on the intranet.",
        owner=auditor,
        due_date=(now - timedelta(days=2)).date(),
        status=ActionStatus.DONE,
        created_by=reviewer,
    )
    audit.status = AuditStatus.IN_REVIEW
    audit.submitted_at = now - timedelta(hours=5)
    audit.submitted_by = auditor
    audit.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])


def approve(audit: Audit, *, reviewer) -> Review:
    """Record an approval the way the review service does (the tests seal it themselves)."""
    review = Review.objects.create(
        audit=audit,
        reviewer=reviewer,
        decision=Decision.APPROVED,
        comment="Approved: the remaining action is tracked.",
        principle_comments={"fairness": "The four-fifths flags are explained and tracked."},
        submitted_at=audit.submitted_at,
    )
    audit.status = AuditStatus.APPROVED
    audit.approved_at = timezone.now()
    audit.approved_by = reviewer
    audit.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    return review


def build_large_audit(*, team, auditor, reviewer, questions: int = 100, runs: int = 3) -> Audit:
    """An audit with `questions` answered questions, evidence, reviews, actions and `runs` runs."""
    version = make_version(questions)
    audit = AuditFactory(
        team=team,
        checklist_version=version,
        title=f"Credit scoring audit ({questions} questions)",
        system_name="Credit limit scoring model v4",
        system_description="Gradient-boosted trees scoring applicants for a credit limit.",
        intended_use="Sets the initial credit limit; refusals are reviewed by a credit officer.",
        created_by=auditor,
    )
    mappings = [
        (("sex", "race"), True),
        (("age_group",), False),
        (("sex", "age_group"), True),
    ]
    for sensitive, score in mappings[:runs]:
        make_run(
            audit,
            user=auditor,
            result=adult_result(sensitive, score=score),
            mapping=adult_mapping(sensitive, score=score),
        )
    answer_all(audit, user=auditor)
    add_evidence(audit, user=auditor)
    add_reviews_and_actions(audit, auditor=auditor, reviewer=reviewer)
    return audit
