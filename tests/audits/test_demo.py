"""`make run`'s demo data: complete, idempotent, and refused on a non-debug setup."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from audits.models import Answer, Audit, AuditStatus, FairnessRun, RemediationAction, RunStatus


def _counts():
    return {
        model.__name__: model.objects.aggregate(n=Count("pk"))["n"]
        for model in (Audit, Answer, FairnessRun, RemediationAction)
    }


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")


def _client(username):
    client = Client()
    assert client.login(username=username, password="demo")
    return client


def test_seed_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not Audit.objects.exists()


def test_seed_twice_changes_nothing(seeded):
    before = _counts()
    call_command("seed_demo")
    assert _counts() == before


def test_demo_audit_has_a_computed_run_answers_and_an_open_action(seeded):
    audit = Audit.objects.get(title="Income model fairness audit")
    run = FairnessRun.objects.get(dataset__audit=audit)
    assert run.status == RunStatus.SUCCEEDED
    sex = next(
        c for c in run.result["checks"] if c["name"] == "four_fifths" and c["grouping"] == "sex"
    )
    assert sex["passed"] is False
    total = audit.checklist_version.questions.count()
    answered = audit.answers.exclude(value="").count()
    assert total * 0.4 <= answered <= total * 0.65
    assert audit.answers.filter(question__answer_kind="gate", value="fail").exists()
    assert audit.actions.filter(status="open").count() == 1


def test_second_demo_audit_is_approved(seeded):
    assert Audit.objects.get(title="Support chatbot audit").status == AuditStatus.APPROVED


def test_llm_demo_audit_is_on_v2_with_a_succeeded_llm_run_and_a_failing_llm_gate(seeded):
    audit = Audit.objects.get(title="Support assistant (LLM) fairness audit")
    assert audit.status == AuditStatus.DRAFT
    assert audit.checklist_version.number == 2
    assert Audit.objects.get(title="Income model fairness audit").checklist_version.number == 1
    run = FairnessRun.objects.get(dataset__audit=audit)
    assert run.is_llm and run.status == RunStatus.SUCCEEDED
    assert run.result["reference_group"] == "male"
    llm_gates = audit.answers.filter(question__code__in=[f"FAIR-{n}" for n in range(15, 20)])
    assert llm_gates.count() == 5 and all(a.run_id == run.pk for a in llm_gates)
    difference = llm_gates.get(question__code="FAIR-16")
    assert difference.value == "fail"
    assert "female vs male (reference)" in difference.note_md
    assert "0.30" in difference.note_md
    # The ratio gate passes: male is refused less than every other group.
    assert llm_gates.get(question__code="FAIR-15").value == "pass"


def test_demo_auditor_sees_the_demo_audit_and_the_outsider_gets_404(seeded):
    audit = Audit.objects.get(title="Income model fairness audit")
    home = _client("demo-auditor").get(reverse("home"))
    assert audit.title in home.content.decode()
    outsider = _client("demo-outsider")
    assert audit.title not in outsider.get(reverse("home")).content.decode()
    assert outsider.get(audit.get_absolute_url()).status_code == 404
