"""The REST API under /api/v1/, its schema at /api/schema/ and its docs at /api/docs/ (`api:`)."""

from django.urls import path

from api.views import (
    actions,
    answers,
    audits,
    datasets,
    docs,
    evidence,
    exports,
    gates,
    prompts,
    runs,
    teams,
)

app_name = "api"

v1 = "api/v1/"
urlpatterns = [
    path("api/schema/", docs.SchemaView.as_view(), name="schema"),
    path("api/docs/", docs.SwaggerView.as_view(), name="docs"),
    path("api/docs/redoc/", docs.RedocView.as_view(), name="redoc"),
    path(f"{v1}teams/", teams.TeamList.as_view(), name="team_list"),
    path(f"{v1}checklist-versions/", teams.ChecklistVersionList.as_view(), name="version_list"),
    path(
        f"{v1}checklist-versions/<int:pk>/",
        teams.ChecklistVersionDetail.as_view(),
        name="version_detail",
    ),
    path(f"{v1}audits/", audits.AuditList.as_view(), name="audit_list"),
    path(f"{v1}audits/<int:pk>/", audits.AuditDetail.as_view(), name="audit_detail"),
    path(f"{v1}audits/<int:pk>/submit/", audits.AuditSubmit.as_view(), name="audit_submit"),
    path(f"{v1}audits/<int:pk>/reviews/", audits.AuditReviews.as_view(), name="audit_reviews"),
    path(f"{v1}audits/<int:pk>/archive/", audits.AuditArchive.as_view(), name="audit_archive"),
    path(f"{v1}audits/<int:pk>/reaudit/", audits.AuditReaudit.as_view(), name="audit_reaudit"),
    path(f"{v1}audits/<int:pk>/actions/", actions.ActionList.as_view(), name="action_list"),
    path(
        f"{v1}audits/<int:pk>/actions/<int:action_pk>/",
        actions.ActionDetail.as_view(),
        name="action_detail",
    ),
    path(f"{v1}audits/<int:pk>/prompt-set/", prompts.PromptSet.as_view(), name="prompt_set"),
    path(f"{v1}audits/<int:pk>/answers/", answers.AnswerList.as_view(), name="answer_list"),
    path(
        f"{v1}audits/<int:pk>/answers/<int:question_pk>/",
        answers.AnswerDetail.as_view(),
        name="answer_detail",
    ),
    path(
        f"{v1}audits/<int:pk>/answers/<int:question_pk>/confirm-recheck/",
        answers.AnswerConfirmRecheck.as_view(),
        name="answer_confirm_recheck",
    ),
    path(f"{v1}audits/<int:pk>/evidence/", evidence.EvidenceList.as_view(), name="evidence_list"),
    path(
        f"{v1}audits/<int:pk>/evidence/<int:evidence_pk>/",
        evidence.EvidenceDetail.as_view(),
        name="evidence_detail",
    ),
    path(
        f"{v1}audits/<int:pk>/evidence/<int:evidence_pk>/download/",
        evidence.EvidenceDownload.as_view(),
        name="evidence_download",
    ),
    path(f"{v1}audits/<int:pk>/report.pdf", exports.ReportPdf.as_view(), name="report_pdf"),
    path(f"{v1}audits/<int:pk>/export.json", exports.ExportJson.as_view(), name="export_json"),
    path(f"{v1}audits/<int:pk>/answers.csv", exports.AnswersCsv.as_view(), name="answers_csv"),
    path(f"{v1}audits/<int:pk>/metrics.csv", exports.MetricsCsv.as_view(), name="metrics_csv"),
    path(f"{v1}audits/<int:pk>/coverage.csv", exports.CoverageCsv.as_view(), name="coverage_csv"),
    path(f"{v1}audits/<int:pk>/datasets/", datasets.DatasetList.as_view(), name="dataset_list"),
    path(
        f"{v1}audits/<int:pk>/datasets/<int:dataset_pk>/",
        datasets.DatasetDetail.as_view(),
        name="dataset_detail",
    ),
    path(
        f"{v1}audits/<int:pk>/datasets/<int:dataset_pk>/runs/",
        runs.RunCreate.as_view(),
        name="run_create",
    ),
    # `curl -T predictions.csv .../datasets/` PUTs the file here; after the routes above.
    path(
        f"{v1}audits/<int:pk>/datasets/<str:filename>",
        datasets.DatasetUpload.as_view(),
        name="dataset_upload",
    ),
    path(f"{v1}audits/<int:pk>/runs/", runs.RunList.as_view(), name="run_list"),
    path(f"{v1}audits/<int:pk>/runs/<int:run_pk>/", runs.RunDetail.as_view(), name="run_detail"),
    path(
        f"{v1}audits/<int:pk>/runs/<int:run_pk>/result/",
        runs.RunResult.as_view(),
        name="run_result",
    ),
    path(
        f"{v1}audits/<int:pk>/runs/<int:run_pk>/retry/", runs.RunRetry.as_view(), name="run_retry"
    ),
    path(f"{v1}audits/<int:pk>/gates/", gates.GateList.as_view(), name="gate_list"),
    path(
        f"{v1}audits/<int:pk>/gates/<int:question_pk>/",
        gates.GateDetail.as_view(),
        name="gate_detail",
    ),
    path(
        f"{v1}audits/<int:pk>/gates/<int:question_pk>/override/",
        gates.GateOverride.as_view(),
        name="gate_override",
    ),
]
