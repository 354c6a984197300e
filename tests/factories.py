"""factory_boy factories shared by the whole suite."""

import factory
from django.contrib.auth import get_user_model

from audits.models import Audit, Membership, Role, Team
from checklists.models import (
    AnswerKind,
    Checklist,
    ChecklistVersion,
    Principle,
    Question,
    VersionStatus,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pw")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.AUDITOR


class PrincipleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Principle
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"principle-{n}")
    name = factory.LazyAttribute(lambda p: p.code.replace("-", " ").capitalize())
    order = factory.Sequence(int)


class ChecklistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Checklist

    slug = factory.Sequence(lambda n: f"checklist-{n}")
    title = factory.Sequence(lambda n: f"Checklist {n}")


class ChecklistVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistVersion

    checklist = factory.SubFactory(ChecklistFactory)
    number = 1
    status = VersionStatus.DRAFT


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    version = factory.SubFactory(ChecklistVersionFactory)
    principle = factory.SubFactory(PrincipleFactory, code="fairness", name="Fairness", order=1)
    code = factory.Sequence(lambda n: f"Q-{n:03d}")
    text = factory.Sequence(lambda n: f"Question {n}?")
    guidance_md = "Good evidence is a **document**."
    answer_kind = AnswerKind.YES_NO
    order = factory.Sequence(int)


PRINCIPLES = [
    ("fairness", "Fairness", "FAIR"),
    ("accountability", "Accountability", "ACC"),
    ("transparency", "Transparency", "TRN"),
    ("human-oversight", "Human oversight", "HOV"),
]


GATE_DPR = {"metric": "demographic_parity_ratio", "comparison": ">=", "threshold": 0.8}


def published_version(
    *,
    questions_per_principle: int = 2,
    checklist=None,
    number: int = 1,
    with_gate: bool = False,
    evidence_codes: tuple[str, ...] = (),
):
    """A published checklist version with yes/no questions under the four principles, and with
    `with_gate` one metric-gate question FAIR-G1 (demographic parity ratio >= 0.8)."""
    version = ChecklistVersionFactory(
        checklist=checklist or ChecklistFactory(), number=number, status=VersionStatus.DRAFT
    )
    for order, (code, name, prefix) in enumerate(PRINCIPLES, start=1):
        principle = PrincipleFactory(code=code, name=name, order=order)
        for i in range(1, questions_per_principle + 1):
            question_code = f"{prefix}-{i:02d}"
            QuestionFactory(
                version=version,
                principle=principle,
                code=question_code,
                order=i,
                evidence_required=question_code in evidence_codes,
            )
        if with_gate and code == "fairness":
            QuestionFactory(
                version=version,
                principle=principle,
                code="FAIR-G1",
                text="Demographic parity ratio of at least 0.8 on every grouping?",
                answer_kind=AnswerKind.GATE,
                gate=GATE_DPR,
                order=99,
            )
    version.status = VersionStatus.PUBLISHED
    version.save()
    return version


class AuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audit

    team = factory.SubFactory(TeamFactory)
    title = factory.Sequence(lambda n: f"Audit {n}")
    system_name = "Loan approval model"
    checklist_version = factory.LazyFunction(published_version)
