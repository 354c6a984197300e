"""Demo content for `make run`: users, teams and audits that show every part of the app.

- "Income model fairness audit" (draft): the Adult census predictions uploaded and run through the
  engine (the four-fifths screen fails on sex), the gates answered from that run, about half of the
  other questions answered with notes, and one open remediation action.
- "Support chatbot audit" (approved): every question answered, evidence linked, reviewed and approved
  by the demo reviewer, so its report is sealed.
- "Support assistant (LLM) fairness audit" (draft, on the default checklist's version 2): the
  synthetic support-assistant responses run as an LLM run with `male` as the reference, so its LLM
  gates are answered from the run (refusal-rate difference, sentiment parity and shift fail on
  `female`).

Everything is written through the services, as a user would, and every step first looks for what an
earlier run created, so seeding twice changes nothing.
"""

import datetime
import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.test.utils import override_settings
from django.utils import timezone

from checklists.models import AnswerKind
from checklists.services import default_checklist_load_all

from .models import Audit, Decision, Role, Team
from .services import actions as action_services
from .services import audits as audit_services
from .services import datasets as dataset_services
from .services import evidence as evidence_services
from .services import gates as gate_services
from .services import teams as team_services
from .services.answers import AnswerChange, answers_save

DEMO_PASSWORD = "demo"  # noqa: S105 - public on purpose; seed_demo refuses to run with DEBUG off
DEMO_AUDIT_TITLE = "Income model fairness audit"
APPROVED_AUDIT_TITLE = "Support chatbot audit"
LLM_AUDIT_TITLE = "Support assistant (LLM) fairness audit"
ADULT_CSV = Path(settings.BASE_DIR) / "demo_data" / "adult_predictions.csv"
ADULT_MAPPING = {
    "y_true": "income_over_50k",
    "y_pred": "predicted_over_50k",
    "score": "score",
    "sensitive": ["sex", "race", "age_group"],
    "pos_label": "1",
}
LLM_CSV = Path(settings.BASE_DIR) / "demo_data" / "support_assistant_responses.csv"
LLM_MAPPING = {
    "pair_id": "pair_id",
    "group": "group",
    "response": "response",
    "prompt": "prompt",
    "sample": "sample",
}
# With `male` as the reference, the refusal-rate difference names `female` (refused 0.30 more
# often, interval 0.24 to 0.36). With `female` (the engine's default: the groups are equally
# frequent, so the first by name) the ratio would flag the other groups instead.
LLM_REFERENCE_GROUP = "male"
# Answers cycle through these so the demo shows strong, partial and weak principles.
_CYCLE = ("yes", "partial", "yes", "no")


def _user(username: str, *, staff: bool = False):
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"is_staff": staff, "is_superuser": staff, "email": f"{username}@example.org"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _team(name: str) -> Team:
    return Team.objects.filter(name=name).first() or team_services.team_create(name=name)


def seed_demo() -> list[str]:
    """Create the demo data that is missing and return what was done, one line per step."""
    versions = default_checklist_load_all()
    version, llm_version = versions[0], versions[1]
    admin = _user("demo-admin", staff=True)
    auditor = _user("demo-auditor")
    reviewer = _user("demo-reviewer")
    outsider = _user("demo-outsider")

    demo_team = _team("Demo team")
    other_team = _team("Other team")
    team_services.membership_set(team=demo_team, user=admin, role=Role.OWNER)
    team_services.membership_set(team=demo_team, user=auditor, role=Role.AUDITOR)
    team_services.membership_set(team=demo_team, user=reviewer, role=Role.REVIEWER)
    team_services.membership_set(team=other_team, user=outsider, role=Role.OWNER)

    lines = [f"Checklist: {', '.join(str(v) for v in versions)}"]
    lines.append(_seed_draft_audit(demo_team, auditor, version))
    lines.append(_seed_approved_audit(demo_team, auditor, reviewer, version))
    lines.append(_seed_llm_audit(demo_team, auditor, llm_version))
    return lines


def _seed_draft_audit(team, auditor, version) -> str:
    if Audit.objects.filter(team=team, title=DEMO_AUDIT_TITLE).exists():
        return f"Demo audit “{DEMO_AUDIT_TITLE}” already exists"
    audit = audit_services.audit_create(
        team=team,
        user=auditor,
        title=DEMO_AUDIT_TITLE,
        system_name="Adult census income classifier",
        system_description=(
            "Logistic regression predicting whether a person's income exceeds $50k, trained on "
            "the UCI Adult census data. Sex and race are not model inputs."
        ),
        intended_use="Pre-screening of applicants for a premium credit product.",
        checklist_version=version,
    )
    run = _upload_and_run(audit, auditor)
    questions = list(
        version.questions.select_related("principle").order_by("principle__order", "order")
    )
    answerable = [q for q in questions if q.answer_kind != AnswerKind.GATE]
    changes = [
        AnswerChange(question=q, value=_demo_value(q, i), note_md=_demo_note(q, i), seen_revision=0)
        for i, q in enumerate(answerable)
        if i % 2 == 0
    ]
    answers_save(audit=audit, user=auditor, changes=changes)
    action_services.action_create(
        audit=audit,
        user=auditor,
        description=(
            "Investigate the selection-rate gap between women and men (impact ratio 0.32): check "
            "the income label for historical bias and test a reweighted model."
        ),
        owner=auditor,
        due_date=timezone.localdate() + datetime.timedelta(days=30),
        check_name="Selection-rate impact ratio ≥ 0.8 on sex",
    )
    return (
        f"Created demo audit #{audit.pk} with fairness run #{run.pk} ({run.get_status_display()})"
    )


def _upload_and_run(audit, user):
    digest = hashlib.sha256(ADULT_CSV.read_bytes()).hexdigest()
    with ADULT_CSV.open("rb") as handle:
        dataset = dataset_services.dataset_ingest(
            audit=audit, user=user, uploaded_file=File(handle, name=ADULT_CSV.name), sha256=digest
        )
    # The demo computes inline, so the seeded audit is complete when `make run` starts serving.
    with override_settings(FAIRNESS_JOB_MODE="sync"):
        return dataset_services.run_create(
            dataset=dataset, user=user, mapping=ADULT_MAPPING, options={}
        )


def _seed_llm_audit(team, auditor, version) -> str:
    if Audit.objects.filter(team=team, title=LLM_AUDIT_TITLE).exists():
        return f"Demo audit “{LLM_AUDIT_TITLE}” already exists"
    audit = audit_services.audit_create(
        team=team,
        user=auditor,
        title=LLM_AUDIT_TITLE,
        system_name="Customer-support assistant (LLM)",
        system_description=(
            "A large language model answering customers' questions about orders, deliveries, "
            "refunds, accounts and warranties in the web chat, with the support knowledge base "
            "as context. Audited on a counterfactual prompt set: 150 support questions, each asked "
            "as a male, a female and a nonbinary customer, two generations each."
        ),
        intended_use=(
            "First-line customer support for every customer, with hand-over to a person on "
            "request; it must help every group alike and never refuse or talk down to a customer "
            "because of who they are."
        ),
        risk_tier="limited",
        checklist_version=version,
    )
    digest = hashlib.sha256(LLM_CSV.read_bytes()).hexdigest()
    with LLM_CSV.open("rb") as handle:
        dataset = dataset_services.dataset_ingest(
            audit=audit,
            user=auditor,
            uploaded_file=File(handle, name=LLM_CSV.name),
            sha256=digest,
            kind="llm",
        )
    with override_settings(FAIRNESS_JOB_MODE="sync"):
        run = dataset_services.llm_run_create(
            dataset=dataset,
            user=auditor,
            mapping=LLM_MAPPING,
            options={"reference_group": LLM_REFERENCE_GROUP, "refusal_patterns": None},
        )
    return f"Created LLM demo audit #{audit.pk} with LLM run #{run.pk} ({run.get_status_display()})"


def _demo_value(question, index: int) -> str:
    if question.answer_kind == AnswerKind.SCALE:
        return str(2 + index % 3)
    if question.answer_kind == AnswerKind.CHOICE:
        return question.choices[index % len(question.choices)]["value"]
    if question.answer_kind == AnswerKind.TEXT:
        return (
            "Applicants for the premium credit product in the UK; decisions are reviewed by a "
            "credit officer before any refusal is sent."
        )
    return _CYCLE[(index // 2) % len(_CYCLE)]  # every other question is answered


def _demo_note(question, index: int) -> str:
    if question.answer_kind == AnswerKind.TEXT:
        return ""
    return f"Demo note for {question.code}: see the model card, section {1 + index % 5}."


def _seed_approved_audit(team, auditor, reviewer, version) -> str:
    if Audit.objects.filter(team=team, title=APPROVED_AUDIT_TITLE).exists():
        return f"Demo audit “{APPROVED_AUDIT_TITLE}” already exists"
    audit = audit_services.audit_create(
        team=team,
        user=auditor,
        title=APPROVED_AUDIT_TITLE,
        system_name="Customer-service assistant",
        system_description="A retrieval-augmented chatbot answering account questions.",
        intended_use="First-line customer support, with hand-over to a person on request.",
        risk_tier="limited",
        checklist_version=version,
    )
    questions = list(version.questions.select_related("principle"))
    changes = [
        AnswerChange(
            question=q,
            value=_approved_value(q),
            note_md=f"Checked in the {q.principle.name.lower()} workshop.",
            seen_revision=0,
        )
        for q in questions
        if q.answer_kind != AnswerKind.GATE
    ]
    answers_save(audit=audit, user=auditor, changes=changes)
    for question in questions:
        if question.answer_kind == AnswerKind.GATE:
            gate_services.gate_override(
                audit=audit,
                question=question,
                user=auditor,
                value="na",
                justification=(
                    "The assistant makes no selection decisions about people, so there are no "
                    "group selection rates to compare."
                ),
            )
        if question.evidence_required:
            evidence_services.evidence_add_link(
                audit=audit,
                user=auditor,
                url=f"https://intranet.example.org/assistant/evidence/{question.code.lower()}",
                question=question,
                description=f"Evidence for {question.code}",
            )
    audit_services.audit_submit(audit=audit, user=auditor)
    audit_services.audit_review(
        audit=audit,
        user=reviewer,
        decision=Decision.APPROVED,
        comment="Complete and well evidenced.",
    )
    return f"Created approved demo audit #{audit.pk}"


def _approved_value(question) -> str:
    if question.answer_kind == AnswerKind.SCALE:
        return "4"
    if question.answer_kind == AnswerKind.CHOICE:
        return max(question.choices, key=lambda o: o["score"])["value"]
    if question.answer_kind == AnswerKind.TEXT:
        return "Customers of the retail bank using the web chat; no decisions about eligibility."
    return "yes"
