"""Reads of checklist data. Checklists are not team-scoped: any signed-in user may read published ones."""

from django.db.models import Max, QuerySet

from .models import Checklist, ChecklistVersion, Principle, Question, VersionStatus


def version_list_published() -> QuerySet[ChecklistVersion]:
    """Versions an audit may be pinned to."""
    return (
        ChecklistVersion.objects.published()
        .select_related("checklist")
        .order_by("checklist__title", "-number")
    )


def version_next_number(*, checklist: Checklist) -> int:
    """The number a new version of this checklist gets: one more than the highest so far."""
    highest = checklist.versions.aggregate(highest=Max("number"))["highest"]
    return (highest or 0) + 1


def version_get_latest(*, checklist: Checklist, number: int | None = None) -> ChecklistVersion:
    """The version with that number; without one, the latest published, else the latest of any status."""
    versions = checklist.versions.select_related("checklist")
    if number is not None:
        return versions.get(number=number)
    latest = versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
    latest = latest or versions.order_by("-number").first()
    if latest is None:
        raise ChecklistVersion.DoesNotExist(f"{checklist} has no versions.")
    return latest


def version_questions_by_principle(
    *, version: ChecklistVersion
) -> list[tuple[Principle, list[Question]]]:
    """The version's questions grouped by principle, both in display order."""
    groups: dict[int, tuple[Principle, list[Question]]] = {}
    for question in version.questions.select_related("principle"):
        groups.setdefault(question.principle_id, (question.principle, []))[1].append(question)
    return list(groups.values())
