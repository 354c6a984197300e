"""URLs of the audits app: each view module lists its own patterns, gathered here under `audits:`."""

from django.urls import path

from .views import actions, answers, datasets, evidence, prompts, reports
from .views import audits as audit_views

app_name = "audits"

urlpatterns = [
    path("audits/", audit_views.audit_list, name="list"),
    path("audits/new/", audit_views.audit_create, name="create"),
    path("audits/<int:pk>/", audit_views.audit_detail, name="detail"),
    path("audits/<int:pk>/edit/", audit_views.audit_edit, name="edit"),
    path("audits/<int:pk>/submit/", audit_views.audit_submit, name="submit"),
    path("audits/<int:pk>/review/", audit_views.audit_review, name="review"),
    path("audits/<int:pk>/archive/", audit_views.audit_archive, name="archive"),
    path("audits/<int:pk>/reaudit/", audit_views.audit_reaudit, name="reaudit"),
    *answers.urlpatterns,
    *datasets.urlpatterns,
    *evidence.urlpatterns,
    *actions.urlpatterns,
    *reports.urlpatterns,
    *prompts.urlpatterns,
]
