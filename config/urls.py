from django.contrib import admin
from django.urls import include, path

from audits.views import audits as audit_views

urlpatterns = [
    path("", audit_views.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("audits.urls")),
]
