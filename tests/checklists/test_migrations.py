"""Data migrations: the four principles exist in every fresh database."""

from checklists.models import Principle


def test_the_four_principles_are_seeded_in_order(db):
    assert list(Principle.objects.values_list("code", "name", "order")) == [
        ("fairness", "Fairness", 1),
        ("accountability", "Accountability", 2),
        ("transparency", "Transparency", 3),
        ("human-oversight", "Human oversight", 4),
    ]
    assert all(Principle.objects.values_list("description", flat=True))
