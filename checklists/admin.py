"""Staff editing of checklists. Published and retired versions show read-only, with no add or delete.

Custom admin URLs on ChecklistVersion: `<id>/preview/`, `<id>/export/` and `import/`.
"""

import io
import zipfile
from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from . import selectors, services
from .exceptions import ImportProblems
from .forms import ChecklistVersionAdminForm, QuestionAdminForm, VersionImportForm
from .models import Checklist, ChecklistVersion, Principle, Question, VersionStatus
from .serialization import document_dumps

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _StaffRequest(HttpRequest):
    user: User  # the admin lets only active staff in


class _VersionCounts(TypedDict):
    n_questions: int


class _ChecklistCounts(TypedDict):
    n_versions: int


FROZEN_NOTE = (
    "published or retired checklist versions (they are frozen; create a new draft instead)"
)


def _problem_list(problems: list[str]):
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((p,) for p in problems)))


def _export_filename(version: ChecklistVersion) -> str:
    return f"{version.checklist.slug}-v{version.number}.json"


def _json_download(version: ChecklistVersion) -> HttpResponse:
    body = document_dumps(services.version_export(version=version))
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_filename(version)}"'
    return response


@admin.register(Principle)
class PrincipleAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order", "description")
    list_editable = ("order",)
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        # Exports name principles by code, so a code in use stays as it is.
        if obj is not None and obj.questions.exists():
            return ("code",)
        return ()


class ChecklistVersionInline(admin.TabularInline):
    model = ChecklistVersion
    fields = ("version_link", "status", "published_at", "question_count")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-number",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_questions=Count("questions"))

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="version")
    def version_link(self, obj: ChecklistVersion):
        url = reverse("admin:checklists_checklistversion_change", args=[obj.pk])
        return format_html('<a href="{}">v{}</a>', url, obj.number)

    @admin.display(description="questions")
    def question_count(self, obj: "WithAnnotations[ChecklistVersion, _VersionCounts]") -> int:
        return obj.n_questions


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "version_count", "created_at")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [ChecklistVersionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_versions=Count("versions"))

    @admin.display(description="versions", ordering="n_versions")
    def version_count(self, obj: "WithAnnotations[Checklist, _ChecklistCounts]") -> int:
        return obj.n_versions


class QuestionInline(admin.TabularInline):
    """The version's questions as one compact table: the order is edited here, the rest on the
    question's own page (the "edit" link).

    Fifty stacked forms made the change page 18,500 px and 2.5 s, and saving one question took
    7.4 s (every inline validated and re-rendered): now a question is saved on its own page and
    the table only reorders.
    """

    model = Question
    extra = 0
    ordering = ("principle__order", "order", "code")
    fields = ("order", "edit_link", "principle", "question_text", "answer_kind", "weight", "flags")
    readonly_fields = ("edit_link", "principle", "question_text", "answer_kind", "weight", "flags")
    formfield_overrides = {
        models.PositiveIntegerField: {"widget": forms.NumberInput(attrs={"style": "width: 5em"})},
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("principle")

    def _editable(self, obj) -> bool:
        return obj is None or obj.is_editable

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # a question is added on its own page (link above the table)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)

    @admin.display(description="code")
    def edit_link(self, obj: Question):
        url = reverse("admin:checklists_question_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.code)

    @admin.display(description="question")
    def question_text(self, obj: Question) -> str:
        return _short(obj.text)

    @admin.display(description="required / evidence / gate")
    def flags(self, obj: Question) -> str:
        marks = [
            "required" if obj.required else "optional",
            "evidence" if obj.evidence_required else "",
            "gate" if obj.gate else "",
        ]
        return ", ".join(m for m in marks if m)


def _short(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 3] + "..."


@admin.register(ChecklistVersion)
class ChecklistVersionAdmin(admin.ModelAdmin):
    form = ChecklistVersionAdminForm
    list_display = (
        "checklist",
        "number",
        "status",
        "question_count",
        "published_at",
        "published_by",
    )
    list_display_links = ("checklist", "number")
    list_filter = ("status", "checklist")
    list_select_related = ("checklist", "published_by")
    search_fields = ("checklist__title", "checklist__slug", "changelog")
    readonly_fields = ("status", "created_at", "published_at", "published_by", "add_question")
    inlines = [QuestionInline]
    actions = ["publish_selected", "new_draft_from_selected", "retire_selected", "export_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_questions=Count("questions"))

    fields = (
        "checklist", "number", "status", "changelog", "bands", "principle_weights",
        "created_at", "published_at", "published_by", "add_question",
    )  # fmt: skip

    @admin.display(description="questions")
    def add_question(self, obj: ChecklistVersion | None):
        if obj is None or obj.pk is None:
            return "Save the version first, then add its questions."
        if not obj.is_editable:
            return "This version is frozen: its questions are shown below, read-only."
        url = reverse("admin:checklists_question_add") + f"?version={obj.pk}"
        return format_html(
            '<a class="addlink" href="{}">Add a question to this version</a> '
            "(each question is edited on its own page: the code links below; the order is "
            "edited in the table)",
            url,
        )

    def get_readonly_fields(self, request, obj=None):
        # A draft keeps its checklist; only a new version picks one.
        return self.readonly_fields + (("checklist",) if obj is not None else ())

    def has_change_permission(self, request, obj=None) -> bool:
        return (obj is None or obj.is_editable) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return (obj is None or obj.is_editable) and super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(not v.is_editable for v in objs):
            perms_needed = {*perms_needed, FROZEN_NOTE}
        return deleted, counts, perms_needed, protected

    @admin.display(description="questions", ordering="n_questions")
    def question_count(self, obj: "WithAnnotations[ChecklistVersion, _VersionCounts]") -> int:
        return obj.n_questions

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name=f"{info}_import"),
            path("<path:object_id>/preview/", wrap(self.preview_view), name=f"{info}_preview"),
            path("<path:object_id>/export/", wrap(self.export_view), name=f"{info}_export"),
            *super().get_urls(),
        ]

    def _get_viewable(self, request: HttpRequest, object_id: str) -> ChecklistVersion:
        version = self.get_object(request, unquote(object_id))
        if version is None:
            raise ChecklistVersion.DoesNotExist
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        return version

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The version as the audit form will show it, read-only, grouped by principle."""
        try:
            version = self._get_viewable(request, object_id)
        except ChecklistVersion.DoesNotExist:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)  # type: ignore[attr-defined]  # private ModelAdmin helper, absent from django-stubs
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Preview: {version}",
            "original": version,
            "groups": selectors.version_questions_by_principle(version=version),
            "publish_problems": services.version_problems(version=version)
            if version.is_editable
            else [],
        }
        return TemplateResponse(request, "admin/checklists/checklistversion/preview.html", context)

    def export_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        try:
            version = self._get_viewable(request, object_id)
        except ChecklistVersion.DoesNotExist:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)  # type: ignore[attr-defined]  # private ModelAdmin helper, absent from django-stubs
        return _json_download(version)

    def import_view(self, request: _StaffRequest) -> HttpResponse:
        """Upload a version document; on any problem, list them all and write nothing."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        bound = request.method == "POST"
        form = VersionImportForm(request.POST, request.FILES) if bound else VersionImportForm()
        problems: list[str] = []
        if bound and form.is_valid():
            try:
                version = services.version_import(
                    data=form.cleaned_data["file"],
                    user=request.user,
                    publish=form.cleaned_data["publish"],
                    as_new_version=form.cleaned_data["as_new_version"],
                )
            except ImportProblems as exc:
                problems = exc.problems
            else:
                self.message_user(request, f"Imported {version}.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:checklists_checklistversion_change", args=[version.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import a checklist version",
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/checklists/checklistversion/import.html", context)

    def _run_each(self, request, queryset, action, done: str) -> list[ChecklistVersion]:
        results = []
        for version in queryset.select_related("checklist"):
            try:
                results.append(action(version=version, user=request.user))
            except ValidationError as exc:
                self.message_user(
                    request,
                    format_html("{} was not changed: {}", version, _problem_list(exc.messages)),
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    f"{version.checklist.title} v{version.number} {done}.",
                    messages.SUCCESS,
                )
        return results

    @admin.action(description="Publish selected versions", permissions=["change"])
    def publish_selected(self, request, queryset):
        self._run_each(request, queryset, services.version_publish, "published")

    @admin.action(description="Retire selected versions", permissions=["change"])
    def retire_selected(self, request, queryset):
        self._run_each(request, queryset, services.version_retire, "retired")

    @admin.action(description="Create a new draft from selected version", permissions=["add"])
    def new_draft_from_selected(self, request, queryset):
        drafts = self._run_each(
            request, queryset, services.version_new_draft, "copied into a new draft"
        )
        if len(drafts) == 1:
            return HttpResponseRedirect(
                reverse("admin:checklists_checklistversion_change", args=[drafts[0].pk])
            )
        return None

    @admin.action(description="Export selected versions as JSON", permissions=["view"])
    def export_selected(self, request, queryset):
        versions = list(queryset.select_related("checklist"))
        if len(versions) == 1:
            return _json_download(versions[0])
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for version in versions:
                archive.writestr(
                    _export_filename(version),
                    document_dumps(services.version_export(version=version)),
                )
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="checklist-versions.zip"'
        return response


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionAdminForm
    list_display = (
        "code",
        "short_text",
        "principle",
        "answer_kind",
        "weight",
        "required",
        "evidence_required",
        "version",
    )
    list_filter = ("principle", "answer_kind", "version__status", "version__checklist")
    list_select_related = ("principle", "version__checklist")
    search_fields = ("code", "text", "guidance_md")
    ordering = (
        "version__checklist__title",
        "-version__number",
        "principle__order",
        "order",
        "code",
    )
    fieldsets = [
        (None, {"fields": ["version", ("principle", "order", "code"), "text", "guidance_md"]}),
        ("Answer", {"fields": [("answer_kind", "weight"), ("required", "evidence_required"), "choices", "gate"]}),
        ("References", {"fields": ["references"]}),
    ]  # fmt: skip

    @admin.display(description="text")
    def short_text(self, obj: Question) -> str:
        return _short(obj.text)

    def _back_to_version(self, request: HttpRequest, obj: Question) -> HttpResponse | None:
        """After "Save", the version the question belongs to (where the table of questions is)."""
        if "_continue" in request.POST or "_addanother" in request.POST:
            return None
        return HttpResponseRedirect(
            reverse("admin:checklists_checklistversion_change", args=[obj.version_id])
        )

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        return self._back_to_version(request, obj) or response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        return self._back_to_version(request, obj) or response

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["queryset"] = ChecklistVersion.objects.drafts().select_related("checklist")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        return (obj is None or obj.version.is_editable) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return (obj is None or obj.version.is_editable) and super().has_delete_permission(
            request, obj
        )

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(q.version.status != VersionStatus.DRAFT for q in objs):
            perms_needed = {*perms_needed, f"questions of {FROZEN_NOTE}"}
        return deleted, counts, perms_needed, protected
