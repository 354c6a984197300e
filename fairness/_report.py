"""The ``fairness-report/1`` document, its checks, and :class:`FairnessReport` around it."""

from __future__ import annotations

import copy
import importlib.metadata
import json
import platform
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._checks import (
    FOUR_FIFTHS,
    FOUR_FIFTHS_SCORING,
    check_verdict,
    evaluate_checks,
    overall_verdict,
)

__all__ = [
    "ENGINE_VERSION",
    "FOUR_FIFTHS",
    "FOUR_FIFTHS_SCORING",
    "SCHEMA",
    "FairnessReport",
    "evaluate_checks",
    "versions",
]

SCHEMA = "fairness-report/1"
ENGINE_VERSION = "1.2.0"
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
    def verdict(self) -> str:
        """``fail`` if any check's verdict is fail, else ``inconclusive`` if any is, else ``pass``."""
        return overall_verdict(self.document["checks"])

    @property
    def passed(self) -> bool:
        """True when no check's verdict is ``fail``.

        This follows the verdicts (since engine 1.1): an inconclusive check (its interval spans
        the threshold, or its value is undefined) does not fail the report. A check's own
        ``passed`` is still the point comparison.
        """
        return not self.failed_checks

    @property
    def failed_checks(self) -> list[dict[str, Any]]:
        """The check entries whose verdict is ``fail``."""
        return [c for c in self.document["checks"] if check_verdict(c) == "fail"]

    @property
    def inconclusive_checks(self) -> list[dict[str, Any]]:
        """The check entries whose verdict is ``inconclusive``."""
        return [c for c in self.document["checks"] if check_verdict(c) == "inconclusive"]

    @property
    def mode(self) -> str:
        """``classification``, ``selection_only`` or ``scoring``."""
        mode: str = self.document["mode"]
        return mode

    @property
    def groupings(self) -> list[dict[str, Any]]:
        """The grouping entries, in report order."""
        groupings: list[dict[str, Any]] = self.document["groupings"]
        return groupings

    @property
    def checks(self) -> list[dict[str, Any]]:
        """The check entries: one per check and grouping."""
        checks: list[dict[str, Any]] = self.document["checks"]
        return checks

    @property
    def warnings(self) -> list[str]:
        """Report-level warnings, most important first."""
        warnings: list[str] = self.document["warnings"]
        return warnings

    def grouping(self, name: str) -> dict[str, Any]:
        """Return the grouping entry called ``name`` (e.g. ``"sex"`` or ``"sex x race"``)."""
        for grouping in self.groupings:
            if grouping["name"] == name:
                return grouping
        raise KeyError(name)
