from django.db import migrations, models

from audits.scoring import compute_scores


def fill_summaries(apps, schema_editor):
    """Store every existing audit's scores, as `audit_scores_refresh` does from now on."""
    Audit = apps.get_model("audits", "Audit")
    Answer = apps.get_model("audits", "Answer")
    Question = apps.get_model("checklists", "Question")
    questions: dict[int, list] = {}
    for audit in Audit.objects.select_related("checklist_version").iterator():
        version = audit.checklist_version
        if version.pk not in questions:
            questions[version.pk] = list(
                Question.objects.filter(version_id=version.pk).select_related("principle")
            )
        values = dict(Answer.objects.filter(audit_id=audit.pk).values_list("question_id", "value"))
        scores = compute_scores(
            questions=questions[version.pk],
            values=values,
            bands=version.bands,
            principle_weights=version.principle_weights,
        )
        Audit.objects.filter(pk=audit.pk).update(score_summary=scores.as_summary())


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0008_audit_recent_idx"),
        ("checklists", "0003_version_and_question_check_constraints"),
    ]

    operations = [
        migrations.AddField(
            model_name="audit",
            name="score_summary",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_summaries, migrations.RunPython.noop),
    ]
