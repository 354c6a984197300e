"""Plain text of a regression or multiclass report: checks, warnings, one table per grouping."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_REGRESSION_SHOWN = (
    ("mean_prediction", "mean pred"), ("mean_target", "mean target"),
    ("mean_absolute_error", "MAE"), ("root_mean_squared_error", "RMSE"), ("r2", "R2"),
    ("mean_error", "mean error"), ("selection_rate", "selection rate"),
)  # fmt: skip


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [
        "  "
        + "  ".join(
            c.rjust(w) if i else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in [header, *rows]
    ]


def _check(check: Mapping[str, Any]) -> str:
    value = "not evaluated" if check["value"] is None else f"{check['value']:.3f}"
    interval = check.get("interval")
    shown = f" [{interval[0]:.3f}, {interval[1]:.3f}]" if interval else ""
    return f"{check['verdict'].upper():<13} {check['name']}: {value}{shown} on {check['grouping']}"


def format_task_text(document: Mapping[str, Any]) -> str:
    """The text of a ``task`` regression or multiclass document."""
    source = document["input"]
    checks = document["checks"]
    lines = [
        f"Fairness report ({document['schema']}) for {source.get('filename') or 'input'}, "
        f"sha256 {source['sha256'][:12]}",
        f"{source['rows']} rows read, {source['rows_used']} used; task {document['task']}"
        + (
            " (inferred: " + document["task_inference"]["reason"] + ")"
            if document["task_inference"]["inferred"]
            else ""
        )
        + ".",
        "",
        f"CHECKS: {len(checks)}",
        *(["  " + _check(c) for c in checks] or ["  none"]),
        "",
        f"WARNINGS: {len(document['warnings'])}",
        *(["  - " + w for w in document["warnings"]] or ["  none"]),
    ]
    for grouping in document["groupings"]:
        lines += ["", grouping["name"]]
        if document["task"] == "regression":
            shown = [(k, h) for k, h in _REGRESSION_SHOWN if k in document["metrics"]]
            header = ["group", "n", *[h for _, h in shown], "intervals"]
            rows = [
                [
                    g["label"],
                    str(g["count"]),
                    *[_num(g["metrics"].get(k)) for k, _ in shown],
                    g.get("interval_method", ""),
                ]
                for g in grouping["groups"]
            ]
            lines += _table(header, rows)
            for name, value in grouping["disparities"].items():
                lines.append(f"    {name} {_num(value)}")
        else:
            classes = document["classes_seen"]
            header = [
                "group",
                "n",
                *(["accuracy"] if "accuracy" in document["metrics"] else []),
                *[f"sel[{c}]" for c in classes],
            ]
            rows = [
                [
                    g["label"],
                    str(g["count"]),
                    *(
                        [_num(g["metrics"].get("accuracy"))]
                        if "accuracy" in document["metrics"]
                        else []
                    ),
                    *[_num(g["classes"][c]["selection_rate"]) for c in classes],
                ]
                for g in grouping["groups"]
            ]
            lines += _table(header, rows)
            for c in classes:
                values = grouping["class_disparities"][c]
                lines.append(
                    f"    [{c}] demographic_parity_ratio {_num(values.get('demographic_parity_ratio'))}, equalized_odds_difference {_num(values.get('equalized_odds_difference'))}"
                )
    verdict = document["summary"]["verdict"]
    lines += ["", f"Verdict: {verdict.upper()} ({document['summary']['verdicts']})."]
    return "\n".join(lines) + "\n"
