"""The ``fairness-report/1`` document, its checks, and :class:`FairnessReport` around it."""

from __future__ import annotations

import copy
import importlib.metadata
import json
import platform
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._mapping import Check

SCHEMA = "fairness-report/1"
ENGINE_VERSION = "1.0.0"
FOUR_FIFTHS = "four_fifths"
FOUR_FIFTHS_SCORING = "four_fifths_scoring"
# What the numbers depend on at run time: always reported.
_RUNTIME_PACKAGES = ("numpy", "pyarrow")
# The tests' oracle, not the engine's runtime: reported when installed, so that a report names the
# fairlearn release its numbers were checked against, and skipped when absent.
_REFERENCE_PACKAGES = ("fairlearn", "pandas", "scikit-learn")


def _installed_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def versions(*, app_version: str | None = None) -> dict[str, str]:
    """Versions of Python, the engine and the libraries whose numbers the report depends on.

    Parameters
    ----------
    app_version : str, optional
        The version of the program that runs the engine (the web app passes its own); the engine
        never reads its host's files to find it.
    """
    out: dict[str, str] = {}
    for distribution in (*_RUNTIME_PACKAGES, *_REFERENCE_PACKAGES):
        version = _installed_version(distribution)
        if version is not None:
            out[distribution] = version
    out["python"] = platform.python_version()
    out["engine"] = ENGINE_VERSION
    if app_version is not None:
        out["app"] = app_version
    return out


def _check_value(grouping: Mapping[str, Any], metric: str) -> tuple[float | None, str | None]:
    if metric in ("impact_ratio", "scoring_impact_ratio"):
        key = f"{metric}_min"
        if key not in grouping:
            return None, "needs a score, which is not mapped"
        return grouping[key], grouping["undefined"].get(metric)
    if metric not in grouping["disparities"]:
        return None, "not computed: it needs a column that is not mapped (y_true or score)"
    return grouping["disparities"][metric], grouping["undefined"].get(metric)


def evaluate_checks(
    groupings: Sequence[Mapping[str, Any]],
    checks: Sequence[Check],
    *,
    four_fifths_threshold: float,
    scoring: bool,
) -> list[dict[str, Any]]:
    """Evaluate the four-fifths screen and the user's checks on every grouping.

    A check whose value is undefined has ``value`` and ``passed`` null and says why in
    ``reason``; it does not fail the report (see :attr:`FairnessReport.passed`).
    """
    all_checks = [Check("impact_ratio", ">=", four_fifths_threshold, FOUR_FIFTHS)]
    if scoring:
        all_checks.append(
            Check("scoring_impact_ratio", ">=", four_fifths_threshold, FOUR_FIFTHS_SCORING)
        )
    all_checks += list(checks)
    entries = []
    for check in all_checks:
        for grouping in groupings:
            value, reason = _check_value(grouping, check.metric)
            entries.append(
                {
                    "name": check.name,
                    "grouping": grouping["name"],
                    "metric": check.metric,
                    "comparison": check.comparison,
                    "value": value,
                    "threshold": check.threshold,
                    "passed": None if value is None else check.passes(value),
                    "reason": (reason or "undefined") if value is None else None,
                }
            )
    return entries


@dataclass(frozen=True)
class FairnessReport:
    """The result of :func:`assess`: the ``fairness-report/1`` document and accessors.

    Parameters
    ----------
    document : dict
        The document; :meth:`to_dict` returns a copy of it.
    """

    document: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Return the ``fairness-report/1`` document (a deep copy, JSON-serialisable)."""
        return copy.deepcopy(self.document)

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return the document as JSON text (``NaN`` never appears)."""
        return json.dumps(self.document, indent=indent, allow_nan=False, ensure_ascii=False)

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> FairnessReport:
        """Wrap a stored document (e.g. a FairnessRun's JSON) to use :func:`format_text` on it."""
        if document.get("schema") != SCHEMA:
            raise ValueError(f"Not a {SCHEMA} document: schema is {document.get('schema')!r}.")
        return cls(copy.deepcopy(dict(document)))

    @property
    def passed(self) -> bool:
        """True when no check failed (checks that could not be evaluated do not fail)."""
        return all(check["passed"] is not False for check in self.document["checks"])

    @property
    def failed_checks(self) -> list[dict[str, Any]]:
        """The check entries that failed."""
        return [c for c in self.document["checks"] if c["passed"] is False]

    @property
    def mode(self) -> str:
        """``classification``, ``selection_only`` or ``scoring``."""
        return self.document["mode"]

    @property
    def groupings(self) -> list[dict[str, Any]]:
        """The grouping entries, in report order."""
        return self.document["groupings"]

    @property
    def checks(self) -> list[dict[str, Any]]:
        """The check entries: one per check and grouping."""
        return self.document["checks"]

    @property
    def warnings(self) -> list[str]:
        """Report-level warnings, most important first."""
        return self.document["warnings"]

    def grouping(self, name: str) -> dict[str, Any]:
        """Return the grouping entry called ``name`` (e.g. ``"sex"`` or ``"sex x race"``)."""
        for grouping in self.groupings:
            if grouping["name"] == name:
                return grouping
        raise KeyError(name)
