"""Reads: version numbering, the latest version, and questions grouped by principle."""

import pytest

from checklists import selectors, services
from checklists.models import ChecklistVersion


def test_next_number_follows_the_highest_version(draft_version):
    ChecklistVersion.objects.create(checklist=draft_version.checklist, number=7)
    assert selectors.version_next_number(checklist=draft_version.checklist) == 8


def test_latest_prefers_the_newest_published_version(published_version, admin_user):
    checklist = published_version.checklist
    draft = services.version_new_draft(version=published_version, user=admin_user)
    assert selectors.version_get_latest(checklist=checklist) == published_version
    assert selectors.version_get_latest(checklist=checklist, number=2) == draft


def test_latest_falls_back_to_a_draft_and_raises_when_there_is_none(draft_version):
    checklist = draft_version.checklist
    assert selectors.version_get_latest(checklist=checklist) == draft_version
    draft_version.delete()
    with pytest.raises(ChecklistVersion.DoesNotExist):
        selectors.version_get_latest(checklist=checklist)


def test_questions_are_grouped_by_principle_in_order(draft_version):
    groups = selectors.version_questions_by_principle(version=draft_version)
    assert [(p.code, [q.code for q in qs]) for p, qs in groups] == [
        ("fairness", ["FAIR-01", "FAIR-02", "FAIR-03"]),
        ("human-oversight", ["HOV-01", "HOV-02"]),
    ]


def test_published_list_holds_only_published_versions(draft_version, published_version):
    assert list(selectors.version_list_published()) == [published_version]
