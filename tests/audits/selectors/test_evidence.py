"""audits.selectors.evidence: access through the audit, evidence kept to its own audit."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from audits.permissions import Action
from audits.selectors.evidence import (
    evidence_for_audit,
    evidence_get_for_user,
    question_for_audit_get,
)
from audits.services.evidence import evidence_add_file, evidence_add_link
from tests.audits.evidence_samples import PDF, upload
from tests.factories import AuditFactory


@pytest.fixture
def link(audit, auditor):
    return evidence_add_link(audit=audit, user=auditor, url="https://example.org/card")


def test_member_gets_the_evidence(audit, viewer, link):
    found = evidence_get_for_user(
        viewer, audit_pk=audit.pk, evidence_pk=link.pk, action=Action.VIEW
    )
    assert found == link
    assert found.audit == audit


def test_outsider_gets_404(audit, outsider, link):
    with pytest.raises(Http404):
        evidence_get_for_user(outsider, audit_pk=audit.pk, evidence_pk=link.pk, action=Action.VIEW)


def test_lesser_role_gets_403(audit, viewer, link):
    with pytest.raises(PermissionDenied):
        evidence_get_for_user(viewer, audit_pk=audit.pk, evidence_pk=link.pk, action=Action.ANSWER)


def test_evidence_of_another_audit_is_404(audit, auditor, link):
    other = AuditFactory(team=audit.team, checklist_version=audit.checklist_version)
    with pytest.raises(Http404):
        evidence_get_for_user(auditor, audit_pk=other.pk, evidence_pk=link.pk, action=Action.VIEW)


def test_evidence_for_audit_groups_by_question(audit, auditor, question, link):
    pdf = evidence_add_file(
        audit=audit, user=auditor, uploaded_file=upload("a.pdf", PDF), question=question
    )
    second = evidence_add_link(
        audit=audit, user=auditor, url="https://example.org/2", question=question
    )
    other = AuditFactory(team=audit.team, checklist_version=audit.checklist_version)
    evidence_add_link(audit=other, user=auditor, url="https://example.org/other")

    assert evidence_for_audit(audit) == {None: [link], question.pk: [pdf, second]}


def test_question_for_audit_is_404_for_another_version(audit, question, foreign_question):
    assert question_for_audit_get(audit, question_pk=question.pk) == question
    with pytest.raises(Http404):
        question_for_audit_get(audit, question_pk=foreign_question.pk)
