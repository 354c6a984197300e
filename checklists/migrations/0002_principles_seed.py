"""Seed the four principles every checklist is scored against. Admins may edit or add more."""

from django.db import migrations

PRINCIPLES = [
    (
        "fairness",
        "Fairness",
        "Avoid bias and discriminatory outcomes.",
    ),
    (
        "accountability",
        "Accountability",
        "Systems and people are answerable for decisions.",
    ),
    (
        "transparency",
        "Transparency",
        "Clear, understandable explanations.",
    ),
    (
        "human-oversight",
        "Human oversight",
        "Robust human review for responsible use.",
    ),
]


def seed_principles(apps, schema_editor):
    Principle = apps.get_model("checklists", "Principle")
    for order, (code, name, description) in enumerate(PRINCIPLES, start=1):
        # get_or_create: never overwrite what an admin has already edited.
        Principle.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0001_initial"),
    ]

    operations = [
        # Reversing keeps the rows: questions of other checklists may use them.
        migrations.RunPython(seed_principles, migrations.RunPython.noop),
    ]
