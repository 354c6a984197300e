"""Seed a database for the load benchmark: 50 teams, 2,000 audits, 80,000 answers, 2,000 runs.

Usage (see bench/load.sh): DATABASE_URL=postgres://... python bench/seed_load.py [AUDITS]
AUDITS (default 2,000, a multiple of the 50 teams) scales everything: 40 answers and one run per
audit, so `20000` seeds 20,000 audits, 800,000 answers and 20,000 runs.
Prints the audit ids to hit and a session cookie of a user who belongs to every team.
Bulk inserts (not the services) keep seeding to about a minute; the rows are the same shape the
services write, including one history record per answer.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from audits.models import (  # noqa: E402
    Answer,
    Audit,
    Dataset,
    FairnessRun,
    Membership,
    RunStatus,
    Team,
)
from audits.services.scores import audit_scores_refresh  # noqa: E402
from checklists.models import AnswerKind  # noqa: E402
from checklists.services import default_checklist_load  # noqa: E402
from fairness import ColumnMapping, assess  # noqa: E402

TEAMS, ANSWERS_PER_AUDIT = 50, 40
AUDITS = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
AUDITS_PER_TEAM = max(1, AUDITS // TEAMS)
VALUES = ("yes", "partial", "no", "yes", "na")


def main() -> None:
    version = default_checklist_load()
    user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_staff": False})
    if Audit.objects.count() >= TEAMS * AUDITS_PER_TEAM:
        print("already seeded", file=sys.stderr)
    else:
        _seed(version, user)
        # Fresh planner statistics, as autovacuum would gather them on a live database: with the
        # empty tables' estimates the planner joins every audit before taking a page of them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    audit = Audit.objects.order_by("pk").first()
    print(f"SESSION={session.session_key}")
    print(f"AUDIT={audit.pk}")


@transaction.atomic
def _seed(version, user) -> None:
    now = timezone.now()
    result = assess(
        ROOT / "demo_data" / "adult_predictions.csv",
        ColumnMapping(
            y_true="income_over_50k",
            y_pred="predicted_over_50k",
            sensitive=["sex", "race"],
            pos_label="1",
        ),
        bootstrap_draws=200,
    ).to_dict()
    questions = [q for q in version.questions.order_by("pk") if q.answer_kind != AnswerKind.GATE]
    questions = questions[:ANSWERS_PER_AUDIT]
    teams = Team.objects.bulk_create(
        [Team(name=f"Bench team {i:02d}", slug=f"bench-team-{i:02d}") for i in range(TEAMS)]
    )
    Membership.objects.bulk_create([Membership(team=t, user=user, role="owner") for t in teams])
    audits = Audit.objects.bulk_create(
        [
            Audit(
                team=t,
                title=f"{t.name} audit {j}",
                system_name=f"System {j}",
                checklist_version=version,
                created_by=user,
            )
            for t in teams
            for j in range(AUDITS_PER_TEAM)
        ]
    )
    answers = Answer.objects.bulk_create(
        [
            Answer(
                audit=a,
                question=q,
                value=VALUES[(a.pk + k) % len(VALUES)],
                note_md=f"Bench note {k}",
                revision=1,
                answered_by=user,
                answered_at=now,
            )
            for a in audits
            for k, q in enumerate(questions)
        ],
        batch_size=5000,
    )
    Answer.history.model.objects.bulk_create(
        [
            Answer.history.model(
                id=ans.pk,
                value=ans.value,
                note_md=ans.note_md,
                revision=1,
                answered_by=user,
                answered_at=now,
                override_justification="",
                history_date=now,
                history_type="+",
                history_user=user,
            )
            for ans in answers
        ],
        batch_size=5000,
    )
    datasets = Dataset.objects.bulk_create(
        [
            Dataset(
                audit=a,
                file=f"datasets/bench-{a.pk}.csv",
                storage_token=f"{a.pk:032d}",
                original_name="predictions.csv",
                sha256=result["input"]["sha256"],
                size=549179,
                preview={"columns": []},
                uploaded_by=user,
            )
            for a in audits
        ]
    )
    FairnessRun.objects.bulk_create(
        [
            FairnessRun(
                dataset=d,
                config={"mapping": {}, "options": {}, "checks": []},
                status=RunStatus.SUCCEEDED,
                progress=1.0,
                result=result,
                versions=result["versions"],
                passed=False,
                duration_ms=900,
                created_by=user,
                started_at=now,
                finished_at=now,
            )
            for d in datasets
        ],
        batch_size=500,
    )
    # The score summaries the services would have written with each answer, by the same function.
    for audit in audits:
        audit_scores_refresh(audit_pk=audit.pk)
    print(
        f"seeded {len(teams)} teams, {len(audits)} audits, {len(answers)} answers, "
        f"{len(datasets)} runs",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
