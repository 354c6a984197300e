"""Validation of question and version content, shared by model clean(), publishing and import.

Each function returns every problem it finds as (path, message) pairs, e.g.
("choices[1].score", "1.5 is not between 0 and 1"), so callers can prefix the place they know
(a form field, `questions[3] (FAIR-04)`) and report all problems at once.
"""

import re
from collections.abc import Collection
from typing import Any, TypeGuard

from .gates import describe_json, gate_problems, is_number
from .kinds import NOT_APPLICABLE, AnswerKind

Problem = tuple[str, str]

ANSWER_KINDS = tuple(AnswerKind.values)
CHOICE_KEYS = ("value", "label", "score")
BAND_KEYS = ("strong", "partial")
MIN_CHOICES = 2


def question_content_problems(
    *, answer_kind: Any, choices: Any, gate: Any, references: Any, weight: Any
) -> list[Problem]:
    """Problems with the fields whose meaning depends on the answer kind, plus weight and references."""
    problems: list[Problem] = []
    if answer_kind not in ANSWER_KINDS:
        problems.append(
            ("answer_kind", f"{describe_json(answer_kind)} is not one of {', '.join(ANSWER_KINDS)}")
        )
    if not is_number(weight) or weight < 0:
        problems.append(("weight", f"expected a number of 0 or more, got {describe_json(weight)}"))
    problems += [("references" + p, m) for p, m in references_problems(references)]
    if answer_kind == AnswerKind.CHOICE:
        problems += [("choices" + p, m) for p, m in choices_problems(choices)]
    elif choices not in (None, []):
        problems.append(("choices", "only choice questions have choices; leave it empty ([])"))
    if answer_kind == AnswerKind.GATE:
        if gate is None:
            problems.append(
                ("gate", "a gate question needs a gate (metric, comparison, threshold)")
            )
        else:
            problems += [("gate" + p, m) for p, m in gate_problems(gate)]
    elif gate is not None:
        problems.append(("gate", "only gate questions have a gate; leave it empty (null)"))
    return problems


def choices_problems(choices: Any) -> list[Problem]:
    """A choice question's options: at least two, each a value, a label and a score in [0, 1]."""
    if not isinstance(choices, list):
        return [("", f"expected an array of options, got {describe_json(choices)}")]
    if len(choices) < MIN_CHOICES:
        return [("", f"a choice question needs at least {MIN_CHOICES} options, got {len(choices)}")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, option in enumerate(choices):
        where = f"[{i}]"
        if not isinstance(option, dict):
            problems.append(
                (where, f"expected an object with value, label, score, got {describe_json(option)}")
            )
            continue
        problems += [(f"{where}.{k}", "is missing") for k in CHOICE_KEYS if k not in option]
        problems += [
            (f"{where}.{k}", f"unknown key (allowed: {', '.join(CHOICE_KEYS)})")
            for k in sorted(set(option) - set(CHOICE_KEYS))
        ]
        for key in ("value", "label"):
            if key in option and not _is_text(option[key]):
                problems.append(
                    (
                        f"{where}.{key}",
                        f"expected a non-empty string, got {describe_json(option[key])}",
                    )
                )
        value = option.get("value")
        if value == NOT_APPLICABLE[0]:
            problems.append((f"{where}.value", f'"{value}" is reserved for "not applicable"'))
        elif _is_text(value):
            if value in seen:
                problems.append(
                    (f"{where}.value", f"{describe_json(value)} is used by another option")
                )
            seen.add(value)
        if "score" in option and not (is_number(option["score"]) and 0 <= option["score"] <= 1):
            problems.append(
                (
                    f"{where}.score",
                    f"expected a number between 0 and 1, got {describe_json(option['score'])}",
                )
            )
    return problems


def references_problems(references: Any) -> list[Problem]:
    """Framework references: a list of distinct non-empty strings."""
    if not isinstance(references, list):
        return [("", f"expected an array of strings, got {describe_json(references)}")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, ref in enumerate(references):
        if not _is_text(ref):
            problems.append((f"[{i}]", f"expected a non-empty string, got {describe_json(ref)}"))
        elif ref in seen:
            problems.append((f"[{i}]", f"{describe_json(ref)} is listed twice"))
        else:
            seen.add(ref)
    return problems


def bands_problems(bands: Any) -> list[Problem]:
    """Score bands: lower bounds "strong" and "partial" in 0-100, partial not above strong."""
    if not isinstance(bands, dict):
        return [
            (
                "",
                f'expected an object like {{"strong": 75, "partial": 50}}, got {describe_json(bands)}',
            )
        ]
    problems: list[Problem] = [(f".{k}", "is missing") for k in BAND_KEYS if k not in bands]
    problems += [
        (f".{k}", f"unknown band (allowed: {', '.join(BAND_KEYS)})")
        for k in sorted(set(bands) - set(BAND_KEYS))
    ]
    for key in BAND_KEYS:
        if key in bands and not (is_number(bands[key]) and 0 <= bands[key] <= 100):
            problems.append(
                (f".{key}", f"expected a number between 0 and 100, got {describe_json(bands[key])}")
            )
    strong, partial = bands.get("strong"), bands.get("partial")
    if is_number(strong) and is_number(partial) and partial > strong:
        problems.append((".partial", f"{partial:g} is above strong ({strong:g})"))
    return problems


def principle_weights_problems(
    weights: Any, *, known_principles: Collection[str] | None = None
) -> list[Problem]:
    """Principle weights: {principle code: number >= 0}; codes must be known when a set is given."""
    if not isinstance(weights, dict):
        return [
            ("", f"expected an object of principle code to weight, got {describe_json(weights)}")
        ]
    problems: list[Problem] = []
    for code, weight in weights.items():
        if known_principles is not None and code not in known_principles:
            problems.append((f".{code}", f"unknown principle {describe_json(code)}"))
        if not is_number(weight) or weight < 0:
            problems.append(
                (f".{code}", f"expected a number of 0 or more, got {describe_json(weight)}")
            )
    return problems


CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def code_problems(code: Any, *, max_length: int = 20) -> list[Problem]:
    """A question code such as FAIR-03: letters, digits, '-', '_' or '.', at most 20 characters."""
    if not isinstance(code, str) or not CODE_RE.match(code):
        return [
            (
                "",
                f"expected a code such as FAIR-03 (letters, digits, -, _, .), got {describe_json(code)}",
            )
        ]
    if len(code) > max_length:
        return [("", f"{describe_json(code)} is longer than {max_length} characters")]
    return []


def problems_to_field_errors(problems: list[Problem]) -> dict[str, list[str]]:
    """Group (path, message) pairs by their top-level field, for a model's ValidationError."""
    errors: dict[str, list[str]] = {}
    for path, message in problems:
        match = re.match(r"[a-z_]*", path)  # always matches, perhaps the empty string
        field = (match.group(0) if match else "") or "__all__"
        rest = path[len(field) :]
        errors.setdefault(field, []).append(f"{rest.lstrip('.')}: {message}" if rest else message)
    return errors


def _is_text(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and value.strip() != ""
