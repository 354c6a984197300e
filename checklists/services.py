"""Every write to checklists: versions, questions, import and the default content.

Published and retired versions are frozen; each service checks that first and raises
ChecklistLocked, and the model guards in models.py refuse anything that slips past.
"""

import copy
import logging
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .exceptions import ChecklistLocked, ImportProblems
from .gates import describe_json
from .models import (
    Checklist,
    ChecklistVersion,
    Principle,
    Question,
    VersionStatus,
)
from .selectors import version_next_number
from .serialization import (
    document_loads,
    document_problems,
    normalise_document,
    version_to_document,
)

logger = logging.getLogger(__name__)

CONTENT_DIR = Path(__file__).resolve().parent / "content"
DEFAULT_CHECKLIST_PATH = CONTENT_DIR / "default_checklist.json"
# The later versions of the default checklist, each a `checklist-changes/1` file applied in order
# to a new draft of the version it names (as the admin's "new draft"), then published.
DEFAULT_CHECKLIST_CHANGES = (CONTENT_DIR / "default_checklist_v2.json",)
CHANGES_SCHEMA = "checklist-changes/1"
CHANGES_KEYS = ("schema", "checklist", "from_version", "version", "add_questions")
QUESTION_FIELDS = (
    "principle", "code", "text", "guidance_md", "answer_kind", "choices", "weight",
    "required", "evidence_required", "references", "gate", "order",
)  # fmt: skip
VERSION_FIELDS = ("changelog", "bands", "principle_weights")


def _lock_version(version_id: int) -> ChecklistVersion:
    return (
        ChecklistVersion.objects.select_for_update().select_related("checklist").get(pk=version_id)
    )


def _ensure_draft(version: ChecklistVersion, action: str) -> None:
    if version.status != VersionStatus.DRAFT:
        raise ChecklistLocked(
            f"{version.checklist.title} v{version.number} is {version.status}: cannot {action}. "
            "Create a new draft from it and edit that instead."
        )


def version_problems(*, version: ChecklistVersion) -> list[str]:
    """What stops this version from being published; empty when it may be published."""
    document = version_to_document(version)
    existing = set(Principle.objects.values_list("code", flat=True))
    problems = document_problems(document, existing_principles=existing)
    if not document["questions"]:
        problems.append("questions: a version needs at least one question to be published")
    return problems


@transaction.atomic
def version_publish(*, version: ChecklistVersion, user: User | None) -> ChecklistVersion:
    """Freeze a valid draft: from now on audits may use it and nothing in it can change."""
    locked = _lock_version(version.pk)
    if locked.status != VersionStatus.DRAFT:
        raise ChecklistLocked(
            f"{locked.checklist.title} v{locked.number} is already {locked.status}; "
            "only a draft can be published."
        )
    problems = version_problems(version=locked)
    if problems:
        raise ValidationError(problems, code="version_invalid")
    locked.status = VersionStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.published_by = user
    locked.full_clean()
    locked.save(update_fields=["status", "published_at", "published_by"])
    logger.info("checklist version %s published by %s", locked.pk, user)
    version.refresh_from_db()
    return locked


@transaction.atomic
def version_retire(*, version: ChecklistVersion, user: User | None) -> ChecklistVersion:
    """Take a published version out of use for new audits; audits pinned to it keep it."""
    locked = _lock_version(version.pk)
    if locked.status != VersionStatus.PUBLISHED:
        raise ChecklistLocked(
            f"{locked.checklist.title} v{locked.number} is {locked.status}; "
            "only a published version can be retired."
        )
    locked.status = VersionStatus.RETIRED
    locked.full_clean()
    locked.save(update_fields=["status"])
    logger.info("checklist version %s retired by %s", locked.pk, user)
    version.refresh_from_db()
    return locked


@transaction.atomic
def version_new_draft(*, version: ChecklistVersion, user: User | None) -> ChecklistVersion:
    """Copy a version and all its questions into a new draft numbered after the checklist's latest."""
    source = ChecklistVersion.objects.select_related("checklist").get(pk=version.pk)
    # Lock the checklist so two drafts made at once cannot take the same number.
    checklist = Checklist.objects.select_for_update().get(pk=source.checklist_id)
    draft = ChecklistVersion(
        checklist=checklist,
        number=version_next_number(checklist=checklist),
        changelog=f"Draft from v{source.number}",
        bands=copy.deepcopy(source.bands),
        principle_weights=copy.deepcopy(source.principle_weights),
    )
    draft.full_clean()
    draft.save()
    # Exact copies of stored rows: no full_clean, so a draft is copied as it is even if incomplete.
    Question.objects.bulk_create(
        Question(
            version=draft,
            **{
                f.attname: copy.deepcopy(getattr(q, f.attname))
                for f in Question._meta.concrete_fields
                if f.attname not in ("id", "version_id")
            },
        )
        for q in source.questions.all()
    )
    logger.info("checklist version %s drafted from %s by %s", draft.pk, source.pk, user)
    return draft


@transaction.atomic
def version_update(*, version: ChecklistVersion, **fields: Any) -> ChecklistVersion:
    """Change a draft's changelog, bands or principle weights."""
    unknown = set(fields) - set(VERSION_FIELDS)
    if unknown:
        raise TypeError(f"version_update() cannot change {', '.join(sorted(unknown))}")
    _ensure_draft(_lock_version(version.pk), "change its settings")
    for name, value in fields.items():
        setattr(version, name, value)
    version.full_clean()
    version.save(update_fields=list(fields))
    return version


@transaction.atomic
def question_create(
    *,
    version: ChecklistVersion,
    principle: Principle,
    code: str,
    text: str,
    answer_kind: str,
    guidance_md: str = "",
    choices: list | None = None,
    weight: float = 1.0,
    required: bool = True,
    evidence_required: bool = False,
    references: list[str] | None = None,
    gate: dict | None = None,
    order: int | None = None,
) -> Question:
    """Add a question to a draft; without `order` it goes last within its principle."""
    locked = _lock_version(version.pk)
    _ensure_draft(locked, "add questions")
    if order is None:
        orders = locked.questions.filter(principle=principle).values_list("order", flat=True)
        order = max(orders, default=0) + 1
    question = Question(
        version=locked,
        principle=principle,
        code=code,
        text=text,
        guidance_md=guidance_md,
        answer_kind=answer_kind,
        choices=choices if choices is not None else [],
        weight=weight,
        required=required,
        evidence_required=evidence_required,
        references=references if references is not None else [],
        gate=gate,
        order=order,
    )
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_update(*, question: Question, **fields: Any) -> Question:
    """Change fields of a question in a draft (any of QUESTION_FIELDS)."""
    unknown = set(fields) - set(QUESTION_FIELDS)
    if unknown:
        raise TypeError(f"question_update() cannot change {', '.join(sorted(unknown))}")
    stored_version_id = Question.objects.values_list("version_id", flat=True).get(pk=question.pk)
    _ensure_draft(_lock_version(stored_version_id), "change its questions")
    for name, value in fields.items():
        setattr(question, name, value)
    question.full_clean()
    question.save(update_fields=list(fields))
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    """Remove a question from a draft."""
    stored_version_id = Question.objects.values_list("version_id", flat=True).get(pk=question.pk)
    _ensure_draft(_lock_version(stored_version_id), "delete its questions")
    question.delete()


def version_export(*, version: ChecklistVersion) -> dict:
    """The whole version as a `checklist-version/1` document."""
    return version_to_document(version)


@transaction.atomic
def version_import(
    *, data: Any, user: User | None, publish: bool = False, as_new_version: bool = False
) -> ChecklistVersion:
    """Create a NEW version from a `checklist-version/1` document, or raise ImportProblems.

    The import never writes into an existing version. If the checklist already has a version with
    the document's number, it is refused unless `as_new_version`, which takes the next free number.
    Missing principles are created; existing principles and checklists are left as they are.
    On any problem nothing is written, and the exception lists every problem found.
    """
    existing = set(Principle.objects.values_list("code", flat=True))
    problems = document_problems(data, existing_principles=existing)
    if problems:
        raise ImportProblems(problems)
    doc = normalise_document(data)
    checklist = _checklist_get_or_create(doc["checklist"])
    number = doc["version"]["number"]
    if checklist.versions.filter(number=number).exists():
        next_number = version_next_number(checklist=checklist)
        if not as_new_version:
            raise ImportProblems(
                [
                    f'version.number: checklist "{checklist.slug}" already has version {number}, '
                    "and an import never changes an existing version; import it as a new version "
                    f"(it would become v{next_number}) or change the number"
                ]
            )
        number = next_number
    _principles_create_missing(doc["principles"], existing=existing)
    version = ChecklistVersion(checklist=checklist, number=number, **{
        k: doc["version"][k] for k in VERSION_FIELDS
    })  # fmt: skip
    version.full_clean()
    version.save()
    _questions_create(version, doc["questions"])
    if publish:
        try:
            version = version_publish(version=version, user=user)
        except ValidationError as exc:
            raise ImportProblems(exc.messages) from exc
    logger.info("checklist version %s imported by %s", version.pk, user)
    return version


def _checklist_get_or_create(data: dict) -> Checklist:
    checklist = Checklist.objects.select_for_update().filter(slug=data["slug"]).first()
    if checklist is None:
        checklist = Checklist(
            slug=data["slug"], title=data["title"], description=data["description"]
        )
        checklist.full_clean()
        checklist.save()
    return checklist


def _principles_create_missing(principles: list[dict], *, existing: set[str]) -> None:
    for item in principles:
        if item["code"] in existing:
            continue
        principle = Principle(**item)
        principle.full_clean()
        principle.save()


def _questions_create(version: ChecklistVersion, questions: list[dict]) -> None:
    principles = {p.code: p for p in Principle.objects.all()}
    problems = []
    for i, item in enumerate(questions):
        question = Question(version=version, **{**item, "principle": principles[item["principle"]]})
        try:
            question.full_clean()
        except ValidationError as exc:
            problems += [
                f"questions[{i}] ({item['code']}).{field}: {message}"
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
            continue
        question.save()
    if problems:
        raise ImportProblems(problems)


@transaction.atomic
def default_checklist_load(
    *, user: User | None = None, path: Path | None = None
) -> ChecklistVersion:
    """Import and publish the bundled default checklist, then its later versions; return version 1.

    Each step does nothing if that version already exists, so running it again changes nothing and
    an existing database only gets the versions it lacks. Version 1 is returned because audits
    (the demo, the tests) are pinned to it; `default_checklist_load_all` returns every version.
    With `path`, only that `checklist-version/1` file is loaded (no later versions).
    """
    if path is not None:
        return _default_version_load(user=user, path=path)
    return default_checklist_load_all(user=user)[0]


@transaction.atomic
def default_checklist_load_all(*, user: User | None = None) -> list[ChecklistVersion]:
    """Version 1 from `default_checklist.json`, then each `DEFAULT_CHECKLIST_CHANGES` file, in order."""
    versions = [_default_version_load(user=user, path=DEFAULT_CHECKLIST_PATH)]
    for changes_path in DEFAULT_CHECKLIST_CHANGES:
        data = document_loads(Path(changes_path).read_bytes())
        versions.append(version_changes_apply(data=data, user=user))
    return versions


def _default_version_load(*, user: User | None, path: Path) -> ChecklistVersion:
    data = document_loads(Path(path).read_bytes())
    try:
        slug, number = data["checklist"]["slug"], data["version"]["number"]
    except (KeyError, TypeError):
        slug = number = None
    if isinstance(slug, str) and isinstance(number, int):
        existing = ChecklistVersion.objects.filter(checklist__slug=slug, number=number).first()
        if existing is not None:
            return existing
    return version_import(data=data, user=user, publish=True)


def changes_problems(data: Any) -> list[str]:
    """Problems with the shape of a `checklist-changes/1` document (its questions are checked on save)."""
    if not isinstance(data, dict):
        return ["expected a JSON object"]
    problems = [f"{key}: is missing" for key in CHANGES_KEYS if key not in data]
    problems += [f"{key}: unknown key" for key in sorted(set(data) - set(CHANGES_KEYS))]
    if "schema" in data and data["schema"] != CHANGES_SCHEMA:
        problems.append(f'schema: expected "{CHANGES_SCHEMA}", got {describe_json(data["schema"])}')
    for key in ("from_version",):
        if key in data and not (isinstance(data[key], int) and not isinstance(data[key], bool)):
            problems.append(f"{key}: expected a version number")
    version = data.get("version")
    if "version" in data and not (
        isinstance(version, dict)
        and isinstance(version.get("number"), int)
        and isinstance(version.get("changelog"), str)
        and version["changelog"].strip()
    ):
        problems.append('version: expected {"number": N, "changelog": "..."}')
    questions = data.get("add_questions")
    if "add_questions" in data and not (
        isinstance(questions, list) and all(isinstance(q, dict) for q in questions)
    ):
        problems.append("add_questions: expected an array of questions")
    return problems


@transaction.atomic
def version_changes_apply(*, data: Any, user: User | None) -> ChecklistVersion:
    """Make and publish a new version from a `checklist-changes/1` document, once.

    The document names a checklist, the version it starts from, the new version's number and
    changelog, and the questions it adds. Like the admin, this takes a new draft of the starting
    version (all its questions), adds the new questions, sets the changelog and publishes it; the
    starting version and every audit pinned to it are untouched. If the checklist already has a
    version with that number, it is returned as it is. On any problem nothing is written.
    """
    problems = changes_problems(data)
    if problems:
        raise ImportProblems(problems)
    number = data["version"]["number"]
    checklist = Checklist.objects.filter(slug=data["checklist"]).first()
    if checklist is None:
        raise ImportProblems([f'checklist: no checklist "{data["checklist"]}"'])
    existing = checklist.versions.filter(number=number).first()
    if existing is not None:
        return existing
    source = checklist.versions.filter(number=data["from_version"]).first()
    if source is None:
        raise ImportProblems(
            [f"from_version: {checklist.slug} has no version {data['from_version']}"]
        )
    if version_next_number(checklist=checklist) != number:
        raise ImportProblems(
            [f"version.number: {checklist.slug} would number its next version "
             f"{version_next_number(checklist=checklist)}, not {number}"]
        )  # fmt: skip
    draft = version_new_draft(version=source, user=user)
    version_update(version=draft, changelog=data["version"]["changelog"])
    principles = {p.code: p for p in Principle.objects.all()}
    problems = []
    for i, item in enumerate(data["add_questions"]):
        place = f"add_questions[{i}] ({item.get('code', '?')})"
        principle = principles.get(item.get("principle"))
        unknown = sorted(set(item) - set(QUESTION_FIELDS))
        if principle is None or unknown:
            problems.append(
                f"{place}: unknown key(s) {', '.join(unknown)}"
                if unknown
                else f"{place}.principle: unknown principle {describe_json(item.get('principle'))}"
            )
            continue
        fields = {k: v for k, v in item.items() if k != "principle"}
        try:
            question_create(version=draft, principle=principle, **fields)
        except ValidationError as exc:
            problems += [f"{place}: {message}" for message in exc.messages]
    if problems:
        raise ImportProblems(problems)  # rolls the draft back with everything else
    try:
        return version_publish(version=draft, user=user)
    except ValidationError as exc:
        raise ImportProblems(exc.messages) from exc
