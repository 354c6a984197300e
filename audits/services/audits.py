"""Audits: create, edit, submit, review, archive and re-audit."""

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audits.jobs.enqueue import reaudit_copy_enqueue, snapshots_seal_enqueue
from audits.models import Audit, AuditStatus, Decision, Review, RiskTier, Team
from audits.permissions import Action, require
from audits.selectors.audits import MissingItem, audit_missing_items
from audits.services.common import ensure_can_edit
from audits.services.scores import audit_scores_refresh
from checklists.models import ChecklistVersion, VersionStatus


@transaction.atomic
def audit_create(
    *,
    team: Team,
    user: User,
    title: str,
    system_name: str,
    checklist_version: ChecklistVersion,
    system_description: str = "",
    intended_use: str = "",
    risk_tier: str = RiskTier.HIGH,
) -> Audit:
    """Open an audit of one AI system, pinned to a published checklist version."""
    require(user, team, Action.CREATE_AUDIT)
    if checklist_version.status != VersionStatus.PUBLISHED:
        raise ValidationError(
            {"checklist_version": "Audits can only use a published checklist version."}
        )
    audit = Audit(
        team=team,
        title=title,
        system_name=system_name,
        system_description=system_description,
        intended_use=intended_use,
        risk_tier=risk_tier,
        checklist_version=checklist_version,
        created_by=user,
    )
    audit.full_clean()
    audit.save()
    audit_scores_refresh(audit_pk=audit.pk)
    return audit


_EDITABLE_FIELDS = ("title", "system_name", "system_description", "intended_use", "risk_tier")


@transaction.atomic
def audit_update(*, audit: Audit, user: User, **fields: Any) -> Audit:
    """Change the audit's description fields (not its status or checklist version)."""
    ensure_can_edit(audit=audit, user=user)
    unknown = set(fields) - set(_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Cannot update {', '.join(sorted(unknown))} with audit_update.")
    for name, value in fields.items():
        setattr(audit, name, value)
    audit.full_clean()
    audit.save(update_fields=[*fields, "updated_at"])
    return audit


class IncompleteAudit(ValidationError):
    """Submission refused: `items` lists what is missing, question by question."""

    def __init__(self, items: Sequence[MissingItem]) -> None:
        self.items = items
        super().__init__(f"{len(items)} item(s) must be completed before submitting.")


@transaction.atomic
def audit_submit(*, audit: Audit, user: User) -> Audit:
    """Send the audit to review; every required answer and required evidence must be there."""
    ensure_can_edit(audit=audit, user=user, action=Action.SUBMIT)
    missing = audit_missing_items(audit)
    if missing:
        raise IncompleteAudit(missing)
    audit.status = AuditStatus.IN_REVIEW
    audit.submitted_at = timezone.now()
    audit.submitted_by = user
    audit.full_clean()
    audit.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    return audit


@transaction.atomic
def audit_review(
    *,
    audit: Audit,
    user: User,
    decision: str,
    comment: str = "",
    principle_comments: dict[str, str] | None = None,
) -> Review:
    """Record a reviewer's decision. Approval locks the audit; changes requested sends it back.

    The reviewer may not be the person who submitted it, and must explain a request for changes.
    An approval commits at once; the PDF and JSON are sealed by a job started after the commit
    (rendering takes seconds, too long to hold the audit's row lock).
    """
    require(user, audit.team_id, Action.REVIEW)
    # Lock the row so two reviewers cannot decide at once, then work on fresh state.
    list(Audit.objects.select_for_update().filter(pk=audit.pk).values_list("pk"))
    audit.refresh_from_db()
    if audit.status != AuditStatus.IN_REVIEW:
        raise ValidationError("Only an audit in review can be approved or sent back.")
    if audit.submitted_by_id == user.pk:
        raise PermissionDenied("You submitted this audit, so someone else must review it.")
    principle_comments = {k: v.strip() for k, v in (principle_comments or {}).items() if v.strip()}
    if decision == Decision.CHANGES_REQUESTED and not (comment.strip() or principle_comments):
        raise ValidationError("Say what must change: add an overall or a per-principle comment.")
    review = Review(
        audit=audit,
        reviewer=user,
        decision=decision,
        comment=comment.strip(),
        principle_comments=principle_comments,
        submitted_at=audit.submitted_at,
    )
    review.full_clean()
    review.save()
    now = timezone.now()
    if decision == Decision.APPROVED:
        audit.status, audit.approved_at, audit.approved_by = AuditStatus.APPROVED, now, user
    else:
        audit.status = AuditStatus.CHANGES_REQUESTED
    audit.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    if decision == Decision.APPROVED:
        # Until the job is done, pages say "Sealing…" and downloads answer 503, never unsealed.
        snapshots_seal_enqueue(audit_pk=audit.pk)
    return review


@transaction.atomic
def audit_archive(*, audit: Audit, user: User) -> Audit:
    """Archive the audit (owners only). An archived audit is locked and hidden from work lists."""
    require(user, audit.team_id, Action.ARCHIVE)
    if audit.status == AuditStatus.ARCHIVED:
        raise ValidationError("This audit is already archived.")
    audit.status = AuditStatus.ARCHIVED
    audit.save(update_fields=["status", "updated_at"])
    return audit


@transaction.atomic
def audit_reaudit(*, audit: Audit, user: User) -> Audit:
    """Start a new audit of the same system on the latest published version of the checklist.

    The new audit is created at once; its answers are copied by a job after commit
    (`reaudit_copy_answers`, which says what is copied). Until then `copying_answers` is set and
    the audit cannot be edited. The approved audit is left unchanged.
    """
    require(user, audit.team_id, Action.REAUDIT)
    if audit.status != AuditStatus.APPROVED:
        raise ValidationError("Only an approved audit can be re-audited.")
    version = (
        ChecklistVersion.objects.filter(
            checklist_id=audit.checklist_version.checklist_id, status=VersionStatus.PUBLISHED
        )
        .order_by("-number")
        .first()
    )
    if version is None:
        raise ValidationError("The checklist has no published version to re-audit against.")
    new_audit = audit_create(
        team=audit.team,
        user=user,
        title=f"{audit.title} (re-audit)",
        system_name=audit.system_name,
        system_description=audit.system_description,
        intended_use=audit.intended_use,
        risk_tier=audit.risk_tier,
        checklist_version=version,
    )
    new_audit.previous_audit = audit
    new_audit.copying_answers = True
    new_audit.full_clean()
    new_audit.save(update_fields=["previous_audit", "copying_answers"])
    reaudit_copy_enqueue(audit_pk=new_audit.pk)
    return new_audit
