"""The `checklist-version/1` JSON document: build it from a version, and check one before import.

The document holds one whole version: its checklist, the principles its questions use, and every
question. `document_problems` reports every problem with its place (`questions[3] (FAIR-04).gate`);
`normalise_document` fills defaults once the document is known to be valid.
"""

import json
import re
from collections.abc import Collection
from typing import Any

from .exceptions import ImportProblems
from .gates import describe_json
from .models import ChecklistVersion, Principle, Question, default_bands
from .validation import (
    bands_problems,
    code_problems,
    principle_weights_problems,
    question_content_problems,
)

SCHEMA = "checklist-version/1"
TOP_KEYS = ("schema", "checklist", "version", "principles", "questions")
CHECKLIST_KEYS = ("slug", "title", "description")
# status and published_at are written on export for information and ignored on import.
VERSION_KEYS = ("number", "status", "published_at", "changelog", "bands", "principle_weights")
PRINCIPLE_KEYS = ("code", "name", "description", "order")
QUESTION_KEYS = (
    "code", "principle", "order", "text", "guidance_md", "answer_kind", "choices",
    "weight", "required", "evidence_required", "references", "gate",
)  # fmt: skip
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")


def version_to_document(version: ChecklistVersion) -> dict:
    """The whole version as a `checklist-version/1` document (plain JSON types, stable key order)."""
    questions = list(version.questions.select_related("principle"))
    principles = {q.principle.code: q.principle for q in questions}
    # A weighted principle with no questions (yet) must still travel with the document.
    weighted = set(version.principle_weights or {}) - set(principles)
    principles.update({p.code: p for p in Principle.objects.filter(code__in=weighted)})
    return {
        "schema": SCHEMA,
        "checklist": {
            "slug": version.checklist.slug,
            "title": version.checklist.title,
            "description": version.checklist.description,
        },
        "version": {
            "number": version.number,
            "status": version.status,
            "published_at": version.published_at.isoformat() if version.published_at else None,
            "changelog": version.changelog,
            "bands": version.bands,
            "principle_weights": version.principle_weights,
        },
        "principles": [
            {"code": p.code, "name": p.name, "description": p.description, "order": p.order}
            for p in sorted(principles.values(), key=lambda p: (p.order, p.code))
        ],
        "questions": [question_to_dict(q) for q in questions],
    }


def question_to_dict(question: Question) -> dict:
    return {
        "code": question.code,
        "principle": question.principle.code,
        "order": question.order,
        "text": question.text,
        "guidance_md": question.guidance_md,
        "answer_kind": question.answer_kind,
        "choices": question.choices,
        "weight": question.weight,
        "required": question.required,
        "evidence_required": question.evidence_required,
        "references": question.references,
        "gate": question.gate,
    }


def document_dumps(document: dict) -> str:
    """The document as UTF-8-friendly, indented JSON text ending with a newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def document_loads(text: str | bytes) -> Any:
    """Parse JSON text; a syntax error becomes an ImportProblems with its line and column."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportProblems(
                [f"file: not UTF-8 text ({exc.reason} at byte {exc.start})"]
            ) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportProblems(
            [f"file: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"]
        ) from exc


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def section(self, data: Any, where: str, keys: tuple, required: tuple) -> dict | None:
        """Check that `data` is an object with the required keys and no unknown ones."""
        if not isinstance(data, dict):
            self.add(where or "document", f"expected an object, got {describe_json(data)}")
            return None
        prefix = f"{where}." if where else ""
        for key in required:
            if key not in data:
                self.add(f"{prefix}{key}", "is missing")
        for key in sorted(set(data) - set(keys), key=str):
            self.add(f"{prefix}{key}", f"unknown key (allowed: {', '.join(keys)})")
        return data

    def text(self, data: dict, key: str, where: str, *, max_length=None, blank=False) -> None:
        if key not in data:
            return
        value = data[key]
        if not isinstance(value, str) or (not blank and not value.strip()):
            kind = "a string" if blank else "a non-empty string"
            self.add(f"{where}.{key}", f"expected {kind}, got {describe_json(value)}")
        elif max_length and len(value) > max_length:
            self.add(f"{where}.{key}", f"is longer than {max_length} characters")

    def slug(self, data: dict, key: str, where: str, *, max_length: int) -> None:
        value = data.get(key)
        if key in data and (not isinstance(value, str) or not SLUG_RE.match(value)):
            self.add(
                f"{where}.{key}",
                f"expected a slug (letters, digits, - or _), got {describe_json(value)}",
            )
        elif isinstance(value, str) and len(value) > max_length:  # as `key in data` here
            self.add(f"{where}.{key}", f"is longer than {max_length} characters")

    def integer(self, data: dict, key: str, where: str, *, minimum: int) -> None:
        value = data.get(key)
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= minimum
        if key in data and not ok:
            self.add(
                f"{where}.{key}",
                f"expected a whole number of {minimum} or more, got {describe_json(value)}",
            )

    def boolean(self, data: dict, key: str, where: str) -> None:
        if key in data and not isinstance(data[key], bool):
            self.add(f"{where}.{key}", f"expected true or false, got {describe_json(data[key])}")


def document_problems(data: Any, *, existing_principles: Collection[str]) -> list[str]:
    """Every problem in a `checklist-version/1` document; empty when it can be imported.

    `existing_principles` are the principle codes already in the database: a question may use
    those or any principle the document itself defines.
    """
    p = _Problems()
    if p.section(data, "", TOP_KEYS, TOP_KEYS) is None:
        return p.items
    if "schema" in data and data["schema"] != SCHEMA:
        p.add("schema", f'expected "{SCHEMA}", got {describe_json(data["schema"])}')
    if "checklist" in data:
        _check_checklist(p, data["checklist"])
    defined = _check_principles(p, data["principles"]) if "principles" in data else set()
    known = set(existing_principles) | defined
    if "version" in data:
        _check_version(p, data["version"], known)
    if "questions" in data:
        _check_questions(p, data["questions"], known)
    return p.items


def _check_checklist(p: _Problems, checklist: Any) -> None:
    if p.section(checklist, "checklist", CHECKLIST_KEYS, ("slug", "title")) is None:
        return
    p.slug(checklist, "slug", "checklist", max_length=80)
    p.text(checklist, "title", "checklist", max_length=200)
    p.text(checklist, "description", "checklist", blank=True)


def _check_version(p: _Problems, version: Any, known_principles: set[str]) -> None:
    if p.section(version, "version", VERSION_KEYS, ("number",)) is None:
        return
    p.integer(version, "number", "version", minimum=1)
    p.text(version, "changelog", "version", blank=True)
    if "bands" in version:
        for path, message in bands_problems(version["bands"]):
            p.add(f"version.bands{path}", message)
    if "principle_weights" in version:
        weights = version["principle_weights"]
        for path, message in principle_weights_problems(weights, known_principles=known_principles):
            p.add(f"version.principle_weights{path}", message)


def _check_principles(p: _Problems, principles: Any) -> set[str]:
    if not isinstance(principles, list):
        p.add("principles", f"expected an array, got {describe_json(principles)}")
        return set()
    codes: set[str] = set()
    for i, item in enumerate(principles):
        code = item.get("code") if isinstance(item, dict) else None
        where = f"principles[{i}]" + (f" ({code})" if isinstance(code, str) else "")
        if p.section(item, where, PRINCIPLE_KEYS, ("code", "name")) is None:
            continue
        p.slug(item, "code", where, max_length=40)
        p.text(item, "name", where, max_length=100)
        p.text(item, "description", where, blank=True)
        p.integer(item, "order", where, minimum=0)
        if isinstance(code, str):
            if code in codes:
                p.add(f"{where}.code", f"{describe_json(code)} is defined twice")
            codes.add(code)
    return codes


def _check_questions(p: _Problems, questions: Any, known_principles: set[str]) -> None:
    if not isinstance(questions, list):
        p.add("questions", f"expected an array, got {describe_json(questions)}")
        return
    first_use: dict[str, int] = {}
    for i, item in enumerate(questions):
        code = item.get("code") if isinstance(item, dict) else None
        where = f"questions[{i}]" + (f" ({code})" if isinstance(code, str) else "")
        if (
            p.section(item, where, QUESTION_KEYS, ("code", "principle", "text", "answer_kind"))
            is None
        ):
            continue
        if "code" in item:
            for path, message in code_problems(code):
                p.add(f"{where}.code{path}", message)
            if isinstance(code, str) and code in first_use:
                p.add(
                    f"{where}.code",
                    f"{describe_json(code)} is already used by questions[{first_use[code]}]",
                )
            elif isinstance(code, str):
                first_use[code] = i
        principle = item.get("principle")
        if "principle" in item and principle not in known_principles:
            p.add(
                f"{where}.principle",
                f'unknown principle {describe_json(principle)} (define it in "principles")',
            )
        p.text(item, "text", where)
        p.text(item, "guidance_md", where, blank=True)
        p.integer(item, "order", where, minimum=0)
        p.boolean(item, "required", where)
        p.boolean(item, "evidence_required", where)
        content = question_content_problems(
            answer_kind=item.get("answer_kind"),
            choices=item.get("choices", []),
            gate=item.get("gate"),
            references=item.get("references", []),
            weight=item.get("weight", 1.0),
        )
        for path, message in content:
            p.add(f"{where}.{path}", message)


def normalise_document(data: dict) -> dict:
    """A valid document with every optional key filled in with its default."""
    version = data["version"]
    return {
        "checklist": {"description": "", **data["checklist"]},
        "version": {
            "number": version["number"],
            "changelog": version.get("changelog", ""),
            "bands": version.get("bands", default_bands()),
            "principle_weights": version.get("principle_weights", {}),
        },
        "principles": [{"description": "", "order": 0, **p} for p in data["principles"]],
        "questions": [
            {
                "order": i + 1,
                "guidance_md": "",
                "choices": [],
                "weight": 1.0,
                "required": True,
                "evidence_required": False,
                "references": [],
                "gate": None,
                **q,
            }
            for i, q in enumerate(data["questions"])
        ],
    }
