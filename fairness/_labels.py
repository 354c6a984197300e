"""Which values of a label column are the positive (favourable) outcome, which are negative.

Values are compared in a canonical form: numbers by value (``1``, ``1.0`` and ``01`` are equal) and
text without regard to case or surrounding spaces. The vocabulary ``1/true/yes/y/t`` is positive and
``0/-1/false/no/n/f`` negative. Without a positive label, the vocabulary decides, or else the only
value outside it (``0``/``hired``); two or more such values need an explicit positive label. With a
text positive label, a column may also hold exactly one other value, which is then its negative
(``hired``/``rejected``). Anything else is an error that lists the offending values: nothing is
silently counted as negative.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ._errors import (
    BAD_LABEL_VALUES,
    POS_LABEL_ABSENT,
    POS_LABEL_REQUIRED,
    dataset_error,
    quote_list,
)

#: Values (after stripping, case-insensitive) that mean "no value": an empty label drops the row,
#: an empty sensitive value puts it in the group ``Unknown`` (so a literal "Unknown" joins it).
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "unknown"})
POSITIVE_WORDS = frozenset({"true", "yes", "y", "t"})
NEGATIVE_WORDS = frozenset({"false", "no", "n", "f"})

Canonical = float | str


def is_missing(value: str) -> bool:
    """Return True for an empty value (``""``, ``NA``, ``N/A``, ``NaN``, ``null``, ``Unknown``)."""
    return value.strip().casefold() in MISSING_TOKENS


def canonical(value: str) -> Canonical:
    """Return the form in which label values are compared."""
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        return text.casefold()
    if math.isfinite(number):
        return number + 0.0  # turns -0.0 into 0.0
    return text.casefold()


def _vocab_positive(value: Canonical) -> bool:
    return value == 1.0 or value in POSITIVE_WORDS


def looks_positive(value: str) -> bool:
    """Return True when the engine's default would take ``value`` as the positive label.

    ``1`` (as any number equal to 1), ``true``, ``yes``, ``y`` or ``t``, in any case; what a form
    offers first as the positive label, so it agrees with what the engine does by default.
    """
    return _vocab_positive(canonical(value))


def _vocab_negative(value: Canonical) -> bool:
    return value in (0.0, -1.0) or value in NEGATIVE_WORDS


@dataclass
class LabelColumn:
    """The distinct raw values of one label column, as counted while streaming."""

    role: str
    name: str
    values: list[str]
    counts: list[int]
    first_lines: list[int | None]


@dataclass(frozen=True)
class LabelCoding:
    """How the raw values of one label column map to 1 (positive), 0 (negative), -1 (missing)."""

    codes: np.ndarray
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    missing_rows: int


def _describe(column: LabelColumn, keep: Callable[[str], bool]) -> str:
    parts = []
    for value, count, line in zip(column.values, column.counts, column.first_lines, strict=True):
        if keep(value):
            rows = f"{count} row" + ("s" if count != 1 else "")
            where = f", first on line {line}" if line is not None else ""
            parts.append(f"'{value}' ({rows}{where})")
    shown = ", ".join(parts[:10])
    return shown + (f" and {len(parts) - 10} more" if len(parts) > 10 else "")


@dataclass(frozen=True)
class _Rule:
    is_positive: Callable[[Canonical], bool]
    is_negative: Callable[[Canonical], bool]
    #: With a text positive label, a column may hold one other value: its negative.
    one_other: bool


def _rule(columns: Sequence[LabelColumn], pos_label: str | None) -> _Rule:
    """Decide which canonical values are positive and which are known negatives."""
    if pos_label is not None:
        wanted = canonical(pos_label)
        if _vocab_positive(wanted):
            return _Rule(_vocab_positive, _vocab_negative, one_other=False)
        if _vocab_negative(wanted):
            return _Rule(lambda value: value == wanted, _vocab_positive, one_other=False)
        return _Rule(lambda value: value == wanted, _vocab_negative, one_other=True)
    present = [[canonical(v) for v in c.values if not is_missing(v)] for c in columns]
    others = {
        v for values in present for v in values if not _vocab_negative(v) and not _vocab_positive(v)
    }
    if any(_vocab_positive(v) for values in present for v in values) or not others:
        return _Rule(_vocab_positive, _vocab_negative, one_other=False)
    if len(others) == 1:
        (only,) = others
        return _Rule(lambda value: value == only, _vocab_negative, one_other=False)
    column = next(c for c, values in zip(columns, present, strict=True) if others & set(values))
    raise dataset_error(
        POS_LABEL_REQUIRED,
        column=column.name,
        role=column.role,
        values=quote_list(sorted(v for v in column.values if not is_missing(v))),
    )


def resolve_labels(
    columns: Sequence[LabelColumn], pos_label: str | None
) -> tuple[list[LabelCoding], str]:
    """Code every label column; return the codings and the positive label to report.

    Raises
    ------
    DatasetError
        ``pos_label_required`` when no positive label is given and the values do not say which
        one it is, ``pos_label_absent`` when the given one appears in no column, and
        ``bad_label_values`` for values that are neither positive nor negative.
    """
    rule = _rule(columns, pos_label)
    canons = [[None if is_missing(v) else canonical(v) for v in c.values] for c in columns]
    has_positive = any(c is not None and rule.is_positive(c) for values in canons for c in values)
    if pos_label is not None and not has_positive and columns:
        raise dataset_error(
            POS_LABEL_ABSENT,
            pos_label=pos_label,
            columns=" or ".join(f"column '{c.name}' ({c.role})" for c in columns),
            values=quote_list(sorted({v for c in columns for v in c.values if not is_missing(v)})),
        )
    codings = []
    for column, canon in zip(columns, canons, strict=True):
        others = {c for c in canon if c is not None and not rule.is_positive(c)}
        strangers = {c for c in others if not rule.is_negative(c)}
        if strangers and not (rule.one_other and len(others) == 1):

            def is_stranger(v: str, odd: set[Canonical] = strangers) -> bool:
                return not is_missing(v) and canonical(v) in odd

            positives = sorted(
                {
                    v
                    for v, c in zip(column.values, canon, strict=True)
                    if c is not None and rule.is_positive(c)
                }
            )
            raise dataset_error(
                BAD_LABEL_VALUES,
                column=column.name,
                role=column.role,
                positive=quote_list(positives) if positives else f"'{pos_label or 1}'",
                values=_describe(column, is_stranger),
            )
        codes = np.array(
            [-1 if c is None else int(rule.is_positive(c)) for c in canon], dtype=np.int8
        )
        pairs = list(zip(column.values, codes, strict=True))
        codings.append(
            LabelCoding(
                codes=codes,
                positive=tuple(sorted({v for v, k in pairs if k == 1})),
                negative=tuple(sorted({v for v, k in pairs if k == 0})),
                missing_rows=int(
                    sum(n for n, k in zip(column.counts, codes, strict=True) if k == -1)
                ),
            )
        )
    shown = pos_label
    if shown is None:
        positives = [value for coding in codings for value in coding.positive]
        shown = positives[0] if positives else "1"
    return codings, shown
