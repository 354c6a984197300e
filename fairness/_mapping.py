"""Which columns of the file play which role, and the checks a report is gated on."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._disparity import DISPARITY_NAMES
from ._errors import (
    DUPLICATE_COLUMN,
    DUPLICATE_MAPPING,
    MISSING_COLUMN,
    NO_DECISION_COLUMN,
    NO_SENSITIVE_COLUMN,
    DatasetError,
    dataset_error,
    quote_list,
)
from ._reader import ColumnPlan


@dataclass(frozen=True)
class MappingProblem:
    """One problem of a column mapping: the role (form field) it belongs to, its code and message."""

    role: str
    code: str
    message: str


def _problem(role: str, code: str) -> MappingProblem:
    error = dataset_error(code)
    return MappingProblem(role, error.code, error.message)


@dataclass(frozen=True)
class ColumnMapping:
    """The roles of the columns of a predictions file.

    Parameters
    ----------
    y_true : str or None
        The observed outcome. Without it only selection-based metrics are computed.
    y_pred : str or None
        The system's decision. Optional when ``score`` is given: the decision is then
        ``score >= threshold``.
    score : str or None
        A numeric score: enables LL144 scoring rates and per-group ROC AUC.
    sensitive : list of str
        One or more sensitive columns; each gives a grouping, and two or more also give their
        intersection.
    pos_label : str or None
        The value of y_true / y_pred meaning the favourable (selected) outcome. By default ``1``,
        ``true`` or ``yes``, or the only value that is not a known negative.
    """

    y_true: str | None = None
    y_pred: str | None = None
    score: str | None = None
    sensitive: list[str] = field(default_factory=list)
    pos_label: str | None = None
    #: A count table's column of rows per line (``SELECT ..., COUNT(*) ... GROUP BY ...``).
    counts: str | None = None
    #: The id column that joins the predictions with a separate attributes file.
    id: str | None = None

    def __post_init__(self) -> None:
        sensitive = [self.sensitive] if isinstance(self.sensitive, str) else list(self.sensitive)
        object.__setattr__(self, "sensitive", sensitive)
        if self.pos_label is not None:
            object.__setattr__(self, "pos_label", str(self.pos_label))

    def to_dict(self) -> dict[str, Any]:
        """Return the mapping as the ``input.columns`` object of the report (plus pos_label)."""
        return {
            "y_true": self.y_true,
            "y_pred": self.y_pred,
            "score": self.score,
            "sensitive": list(self.sensitive),
            "pos_label": self.pos_label,
            "counts": self.counts,
            "id": self.id,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ColumnMapping:
        """Build a mapping from :meth:`to_dict` output (unknown keys are ignored)."""
        return cls(
            y_true=data.get("y_true"),
            y_pred=data.get("y_pred"),
            score=data.get("score"),
            sensitive=list(data.get("sensitive") or []),
            pos_label=data.get("pos_label"),
            counts=data.get("counts"),
            id=data.get("id"),
        )

    def roles(self) -> list[tuple[str, str]]:
        """Return (role, column) for every mapped column, in mapping order."""
        pairs = [(role, getattr(self, role)) for role in ("y_true", "y_pred", "score")]
        pairs += [("sensitive", column) for column in self.sensitive]
        pairs += [(role, getattr(self, role)) for role in ("counts", "id")]
        return [(role, column) for role, column in pairs if column]

    def problems(self) -> list[MappingProblem]:
        """Every problem of the mapping on its own, before any file is read.

        A form shows each next to its field; :meth:`validate` raises the first.
        """
        found: list[MappingProblem] = []
        if not self.y_pred and not self.score:
            found.append(_problem("y_pred", NO_DECISION_COLUMN))
        if not self.sensitive:
            found.append(_problem("sensitive", NO_SENSITIVE_COLUMN))
        seen: dict[str, list[str]] = {}
        for role, column in self.roles():
            seen.setdefault(column.strip(), []).append(role)
        for column, roles in seen.items():
            if len(roles) > 1:
                error = dataset_error(DUPLICATE_MAPPING, column=column, roles=" and ".join(roles))
                found.append(MappingProblem(roles[-1], error.code, error.message))
        return found

    def validate(self) -> None:
        """Check the mapping on its own, before any file is read.

        Raises
        ------
        DatasetError
            ``no_decision_column``, ``no_sensitive_column`` or ``duplicate_mapping``.
        """
        for problem in self.problems():
            raise DatasetError(problem.code, problem.message)

    def plan(self, header: Sequence[str], *, sensitive: bool = True) -> ColumnPlan:
        """Find the mapped columns in ``header`` (names compared without surrounding spaces).

        Raises
        ------
        DatasetError
            ``missing_column`` or ``duplicate_column``.
        """
        positions: dict[str, list[int]] = {}
        for index, name in enumerate(header):
            positions.setdefault(name.strip(), []).append(index)

        def find(role: str, column: str) -> int:
            found = positions.get(column.strip())
            if not found:
                raise dataset_error(
                    MISSING_COLUMN, column=column, role=role, available=quote_list(header, limit=30)
                )
            if len(found) > 1:
                raise dataset_error(DUPLICATE_COLUMN, column=column, count=len(found))
            return found[0]

        return ColumnPlan(
            sensitive=tuple(find("sensitive", c) for c in self.sensitive) if sensitive else (),
            y_true=find("y_true", self.y_true) if self.y_true else None,
            y_pred=find("y_pred", self.y_pred) if self.y_pred else None,
            score=find("score", self.score) if self.score else None,
            counts=find("counts", self.counts) if self.counts else None,
        )


COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}
#: What a check may test: a disparity, or the smallest impact ratio of a grouping.
CHECK_METRICS: tuple[str, ...] = (*DISPARITY_NAMES, "impact_ratio", "scoring_impact_ratio")
#: Version 2: the regression disparities (multiclass per-class ones are binary names + ``[class]``).
CHECK_METRICS = CHECK_METRICS + tuple(
    f"{m}_{kind}"
    for m in ("mean_prediction", "mean_target", "mean_absolute_error",
              "root_mean_squared_error", "r2", "mean_error")
    for kind in ("difference", "ratio")
)  # fmt: skip
UNKNOWN_CHECK_METRIC = "Unknown check metric '{metric}'; use a disparity name or 'impact_ratio'."
UNKNOWN_COMPARISON = "Unknown comparison '{comparison}'; use one of >=, >, <=, <."
BAD_THRESHOLD = "The threshold of a check must be a finite number, not {threshold!r}."
BAD_CHECK_TEXT = "Cannot read check '{text}'; write it like 'demographic_parity_ratio >= 0.8'."
_CHECK_TEXT = re.compile(
    r"^\s*(?:(?P<name>[\w.-]+)\s*:\s*)?(?P<metric>[a-z0-9_]+)(?:\[(?P<cls>[^\]]+)\])?\s*(?P<comparison>>=|<=|>|<)\s*"
    r"(?P<threshold>\S+)\s*$"
)


@dataclass(frozen=True)
class Check:
    """A pass/fail test on every grouping: ``<metric> <comparison> <threshold>``.

    Parameters
    ----------
    metric : str
        A disparity name (e.g. ``"demographic_parity_ratio"``), ``"impact_ratio"`` (the smallest
        impact ratio of the grouping) or ``"scoring_impact_ratio"``.
    comparison : str
        One of ``>=``, ``>``, ``<=``, ``<``: the check passes when ``value <comparison> threshold``.
    threshold : float
        The value compared with.
    name : str, optional
        A name for reports; by default ``"<metric> <comparison> <threshold>"``.
    """

    metric: str
    comparison: str
    threshold: float
    name: str | None = None
    #: Multiclass: the class whose disparity is tested (``metric[class]``); None tests every class.
    class_name: str | None = None

    def __post_init__(self) -> None:
        if self.metric not in CHECK_METRICS:
            raise ValueError(UNKNOWN_CHECK_METRIC.format(metric=self.metric))
        if self.comparison not in COMPARISONS:
            raise ValueError(UNKNOWN_COMPARISON.format(comparison=self.comparison))
        try:
            threshold = float(self.threshold)
        except (TypeError, ValueError):
            raise ValueError(BAD_THRESHOLD.format(threshold=self.threshold)) from None
        if not math.isfinite(threshold):
            raise ValueError(BAD_THRESHOLD.format(threshold=self.threshold))
        object.__setattr__(self, "threshold", threshold)
        if self.name is None:
            target = self.metric if self.class_name is None else f"{self.metric}[{self.class_name}]"
            object.__setattr__(self, "name", f"{target} {self.comparison} {threshold:g}")

    @classmethod
    def parse(cls, text: str) -> Check:
        """Read ``"[name:] metric >= 0.8"``, e.g. from a command line."""
        match = _CHECK_TEXT.match(text)
        if not match:
            raise ValueError(BAD_CHECK_TEXT.format(text=text))
        return cls(
            metric=match["metric"],
            comparison=match["comparison"],
            threshold=match["threshold"],  # type: ignore[arg-type]
            name=match["name"],
            class_name=match["cls"].strip() if match["cls"] else None,
        )

    def passes(self, value: float) -> bool:
        """Return whether ``value`` satisfies the check."""
        return bool(COMPARISONS[self.comparison](value, self.threshold))
