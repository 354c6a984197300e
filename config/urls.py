from django.contrib import admin
from django.urls import include, path

from audits.views import audits as audit_views

urlpatterns = [
    path("", audit_views.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("account/api-tokens/", include("api.pages")),
    path("", include("api.urls")),
    path("", include("audits.urls")),
]

# Under /api/ a missing address or a server error is JSON too; elsewhere the site's pages.
handler404 = "api.errors.page_not_found"
handler500 = "api.errors.server_error"
