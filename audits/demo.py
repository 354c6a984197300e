"""Demo content for `make run`: users, teams and audits that show every part of the app.

Every step looks for what an earlier run created, so seeding twice changes nothing.
"""

from checklists.services import default_checklist_load
from django.contrib.auth import get_user_model

from .models import Audit, Role, Team
from .services import audits as audit_services
from .services import teams as team_services

DEMO_PASSWORD = "demo"  # noqa: S105 - public on purpose; seed_demo refuses to run with DEBUG off
DEMO_AUDIT_TITLE = "Income model fairness audit"


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
    version = default_checklist_load()
    _user("demo-admin", staff=True)
    auditor = _user("demo-auditor")
    reviewer = _user("demo-reviewer")
    outsider = _user("demo-outsider")

    demo_team = _team("Demo team")
    other_team = _team("Other team")
    team_services.membership_set(team=demo_team, user=auditor, role=Role.AUDITOR)
    team_services.membership_set(team=demo_team, user=reviewer, role=Role.REVIEWER)
    team_services.membership_set(team=other_team, user=outsider, role=Role.OWNER)

    lines = [f"Checklist: {version}"]
    audit = Audit.objects.filter(team=demo_team, title=DEMO_AUDIT_TITLE).first()
    if audit is None:
        audit = audit_services.audit_create(
            team=demo_team,
            user=auditor,
            title=DEMO_AUDIT_TITLE,
            system_name="Adult census income classifier",
            system_description=(
                "Logistic regression predicting whether a person's income exceeds $50k, "
                "trained on the UCI Adult census data. Sex and race are not model inputs."
            ),
            intended_use="Pre-screening of applicants for a premium credit product.",
            checklist_version=version,
        )
        lines.append(f"Created demo audit #{audit.pk}: {audit.title}")
    else:
        lines.append(f"Demo audit #{audit.pk} already exists")
    return lines
