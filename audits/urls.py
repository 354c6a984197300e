from django.urls import path

from . import views

app_name = "audits"

urlpatterns = [
    path("audits/", views.audit_list, name="list"),
    path("audits/<int:pk>/", views.audit_detail, name="detail"),
]
