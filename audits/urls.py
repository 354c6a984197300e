"""URLs of the audits app: each view module lists its own patterns, gathered here under `audits:`."""

from django.urls import path

from .views import actions, datasets, evidence
from .views import audits as audit_views

app_name = "audits"

urlpatterns = [
    path("audits/", audit_views.audit_list, name="list"),
    path("audits/<int:pk>/", audit_views.audit_detail, name="detail"),
    *datasets.urlpatterns,
    *evidence.urlpatterns,
    *actions.urlpatterns,
]
