"""Regression and multiclass groupings, and the input facts (format, join, count table).

A binary grouping is shown by `groupings`; a regression or multiclass one keeps that section (its
checks, flags and verdicts go through `checks`, the one way to show a verdict) and adds a
`TaskDetail`: the per-group table of the task's metrics, its disparities, and its charts. Every
figure is read from the stored document; nothing is recomputed.
"""

import dataclasses
from dataclasses import dataclass, field

from audits.reports.task_charts import confusion_heatmap, error_chart, prediction_target_chart

from .labels import metric_words
from .numbers import Cell, cell, metric_cell

REGRESSION_METRICS = (
    ("mean_target", "Mean target"),
    ("mean_prediction", "Mean prediction"),
    ("mean_absolute_error", "MAE"),
    ("root_mean_squared_error", "RMSE"),
    ("r2", "R²"),
    ("mean_error", "Mean error"),
    ("selection_rate", "Selection rate"),
)
CLASS_RATES = (
    ("selection_rate", "Selection rate"),
    ("true_positive_rate", "True positive rate"),
    ("false_positive_rate", "False positive rate"),
    ("precision", "Precision"),
)
CLASS_DISPARITIES = (
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
)
# Regression values are in the target's unit, so they get 3 significant decimals, not rate digits.
VALUE_DIGITS = 3


@dataclass(frozen=True)
class TaskRow:
    label: str
    count: int
    cells: tuple[Cell, ...]  # in the order of the detail's `columns`
    method: str = ""  # regression: "normal" or "bootstrap" intervals


@dataclass(frozen=True)
class ClassBlock:
    """One class of a multiclass grouping: each group's one-vs-rest rates and the disparities."""

    name: str
    rows: list[TaskRow]
    disparities: list[tuple[str, Cell]]


@dataclass(frozen=True)
class Confusion:
    group: str
    labels: list[str]
    matrix: list[list[int]]
    svg: str

    @property
    def labelled_rows(self) -> list[tuple[str, list[int]]]:
        return list(zip(self.labels, self.matrix, strict=False))


@dataclass(frozen=True)
class TaskDetail:
    task: str  # "regression" or "multiclass"
    columns: list[str]
    rows: list[TaskRow]
    disparities: list[tuple[str, Cell, Cell | None]]  # name, all groups, reliable groups
    classes: list[ClassBlock] = field(default_factory=list)
    confusions: list[Confusion] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)  # [{"title", "svg"}]

    @property
    def has_threshold(self) -> bool:
        return self.task == "regression" and "Selection rate" in self.columns


def task_of(result: dict | None) -> str:
    return str((result or {}).get("task") or "binary")


def task_detail(result: dict | None, grouping: dict, *, charts: bool = True) -> TaskDetail | None:
    """The task part of a grouping; None for a binary run (shown by `groupings` alone)."""
    task = task_of(result)
    if task == "regression":
        return _regression(grouping, charts)
    if task == "multiclass":
        return _multiclass(grouping, charts)
    return None


def _value_cell(metric: str, value: object, interval: object, why: str | None) -> Cell:
    number = value if isinstance(value, int | float) else None
    if metric == "selection_rate":
        shown = metric_cell(metric, number, interval=interval, why=why)
    else:
        shown = cell(number, VALUE_DIGITS, interval=interval, why=why)
    # Values in the target's unit make long intervals: a zero-width space lets one wrap after
    # its dash in a narrow column instead of running into the next.
    return dataclasses.replace(shown, interval=shown.interval.replace("–", "–\u200b"))


def _regression(grouping: dict, charts: bool) -> TaskDetail:
    groups = grouping.get("groups", [])
    present = [
        (key, label)
        for key, label in REGRESSION_METRICS
        if any(key in (g.get("metrics") or {}) for g in groups)
    ]
    rows = []
    for g in groups:
        metrics, intervals = g.get("metrics") or {}, g.get("intervals") or {}
        why = g.get("undefined") or {}
        rows.append(
            TaskRow(
                label=str(g.get("label")),
                count=int(g.get("count") or 0),
                cells=tuple(
                    _value_cell(k, metrics.get(k), intervals.get(k), why.get(k)) for k, _ in present
                ),
                method=str(g.get("interval_method") or ""),
            )
        )
    drawn = []
    if charts:
        for title, svg in (
            (
                "Mean absolute error by group",
                error_chart(grouping, "mean_absolute_error", "mean absolute error"),
            ),
            ("Mean prediction against mean target by group", prediction_target_chart(grouping)),
        ):
            if svg:
                drawn.append({"title": title, "svg": svg})
    return TaskDetail(
        task="regression",
        columns=[label for _, label in present],
        rows=rows,
        disparities=_grouping_disparities(grouping),
        charts=drawn,
    )


def _grouping_disparities(grouping: dict) -> list:
    """A grouping's disparities, each over every group and over the reliable groups."""
    return _disparity_cells(
        grouping.get("disparities") or {},
        grouping.get("disparity_intervals") or {},
        grouping.get("reliable_disparities"),
        grouping.get("reliable_disparity_intervals") or {},
        grouping.get("undefined") or {},
    )


def _disparity_cells(values, intervals, reliable, reliable_intervals, why) -> list:
    out = []
    for name, value in values.items():
        main = _disparity_cell(name, value, intervals.get(name), why.get(name))
        other = None
        if isinstance(reliable, dict) and name in reliable:
            other = _disparity_cell(name, reliable[name], reliable_intervals.get(name), None)
        out.append((metric_words(name), main, other))
    return out


def _disparity_cell(name: str, value: object, interval: object, why: object) -> Cell:
    number = value if isinstance(value, int | float) else None
    if name.endswith("_ratio"):
        return metric_cell(name, number, interval=interval, why=str(why) if why else None)
    # A difference of a regression metric is in the target's unit: VALUE_DIGITS, like rates.
    return cell(number, VALUE_DIGITS, interval=interval, why=str(why) if why else None)


def _multiclass(grouping: dict, charts: bool) -> TaskDetail:
    groups = grouping.get("groups", [])
    has_accuracy = any("accuracy" in (g.get("metrics") or {}) for g in groups)
    rows = [
        TaskRow(
            label=str(g.get("label")),
            count=int(g.get("count") or 0),
            cells=(
                metric_cell(
                    "accuracy",
                    (g.get("metrics") or {}).get("accuracy"),
                    interval=(g.get("intervals") or {}).get("accuracy"),
                    why=(g.get("undefined") or {}).get("accuracy"),
                ),
            )
            if has_accuracy
            else (),
        )
        for g in groups
    ]
    classes: list[str] = []
    for g in groups:
        classes.extend(c for c in (g.get("classes") or {}) if c not in classes)
    class_disparities = grouping.get("class_disparities") or {}
    class_intervals = grouping.get("class_disparity_intervals") or {}
    class_why = grouping.get("class_undefined") or {}
    blocks = []
    for name in classes:
        rates = [
            (k, label)
            for k, label in CLASS_RATES
            if any(k in ((g.get("classes") or {}).get(name) or {}) for g in groups)
        ]
        block_rows = []
        for g in groups:
            values = (g.get("classes") or {}).get(name) or {}
            intervals = (g.get("class_intervals") or {}).get(name) or {}
            why = (g.get("class_undefined") or {}).get(name) or {}
            block_rows.append(
                TaskRow(
                    label=str(g.get("label")),
                    count=int(g.get("count") or 0),
                    cells=tuple(
                        metric_cell(k, values.get(k), interval=intervals.get(k), why=why.get(k))
                        for k, _ in rates
                    ),
                )
            )
        values = class_disparities.get(name) or {}
        disparities = [
            (
                metric_words(d),
                metric_cell(
                    d,
                    values.get(d),
                    interval=(class_intervals.get(name) or {}).get(d),
                    why=(class_why.get(name) or {}).get(d),
                ),
            )
            for d in CLASS_DISPARITIES
            if d in values
        ]
        blocks.append(ClassBlock(name=name, rows=block_rows, disparities=disparities))
    confusions = []
    for g in groups:
        matrix = g.get("confusion_matrix") or {}
        labels = [str(x) for x in matrix.get("labels") or []]
        counts = matrix.get("rows_true_columns_predicted") or []
        if labels and counts:
            label = str(g.get("label"))
            svg = confusion_heatmap(label, labels, counts) if charts else ""
            confusions.append(Confusion(group=label, labels=labels, matrix=counts, svg=svg))
    return TaskDetail(
        task="multiclass",
        columns=["Accuracy"] if has_accuracy else [],
        rows=rows,
        disparities=_grouping_disparities(grouping),
        classes=blocks,
        confusions=confusions,
    )


def input_facts(result: dict | None) -> list[tuple[str, str]]:
    """The input in words: the task, the format, a count table's expansion, a join's summary."""
    if not result:
        return []
    facts = []
    data = result.get("input") or {}
    task = task_of(result)
    inference = result.get("task_inference") or {}
    how = " (inferred: " + str(inference.get("reason")) + ")" if inference.get("inferred") else ""
    facts.append(("Task", f"{task}{how}"))
    if task == "multiclass" and result.get("classes_seen"):
        facts.append(("Classes", ", ".join(str(c) for c in result["classes_seen"])))
    fmt = str(data.get("format") or "csv")
    facts.append(("Input format", "Parquet" if fmt == "parquet" else fmt.upper()))
    if data.get("counts_column"):
        facts.append(
            (
                "Count table",
                f"{data.get('cells', 0):,} lines expanded to {data.get('rows', 0):,} rows "
                f"(counts in column {data['counts_column']})",
            )
        )
    join = data.get("join")
    if join:
        unmatched = data.get("unmatched") or {}
        other = (join.get("attributes_file") or {}).get("filename") or "the attributes file"
        types = join.get("id_types") or {}
        facts.append(
            (
                "Join",
                f"{data.get('filename') or 'predictions'} ({join.get('predictions_rows', 0):,} rows) "
                f"and {other} ({join.get('attributes_rows', 0):,} rows) on id column "
                f"{join.get('id_column')}: {join.get('matched_rows', 0):,} matched; unmatched: "
                f"{unmatched.get('predictions', 0):,} prediction rows, "
                f"{unmatched.get('attributes', 0):,} attribute rows (left out of the figures); "
                f"ids {types.get('predictions', '?')} and {types.get('attributes', '?')}, "
                f"matched as {join.get('matched_as', 'text')}",
            )
        )
    return facts
