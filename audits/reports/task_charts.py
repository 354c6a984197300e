"""SVG charts of regression and multiclass runs, drawn from the stored document only.

- `error_chart`: one error metric per group (mean absolute error by default) as bars with their
  95% interval whiskers; the value labels sit in a column right of the plot, so they never meet a
  whisker however wide the interval.
- `prediction_target_chart`: each group's mean prediction against its mean target (both with
  their intervals), with the line prediction = target; the document holds per-group means, not
  rows, so that is the per-group summary drawn (a point above the line: over-predicted).
- `confusion_heatmap`: one group's confusion matrix as a hand-written SVG with a <title>, an
  aria-label and each count as text in its cell, so it reads without colour and from a PDF.

Same rendering rules as `charts.py` (text kept as text, a hash salt per chart, no date).
"""

import html
import io
import math
from typing import Any, TypeGuard

import matplotlib

from audits.reports.charts import _inline, chart_rc, draw_whisker, row_height

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

_BAR = "#0072B2"
_POINT = "#D55E00"
_WIDTH_IN = 6.4


def _finite(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and math.isfinite(value)


def _svg(figure: Figure, title: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    return _inline(svg[svg.index("<svg") :], label=title)


def error_chart(grouping: dict, metric: str = "mean_absolute_error", label: str = "") -> str:
    """Bars of `metric` per group with 95% interval whiskers ("" when no group has a value)."""
    label = label or metric.replace("_", " ")
    rows: list[dict[str, Any]] = []
    for group in grouping.get("groups", []):
        value = (group.get("metrics") or {}).get(metric)
        interval = (group.get("intervals") or {}).get(metric)
        if not (isinstance(interval, list | tuple) and all(_finite(b) for b in interval)):
            interval = None
        rows.append({"label": str(group.get("label")), "value": value, "interval": interval})
    if not any(_finite(r["value"]) for r in rows):
        return ""
    title = f"{label.capitalize()} by {grouping.get('name')}"
    highest = max(
        max((r["interval"][1] if r["interval"] else r["value"]) or 0.0 for r in rows), 1e-12
    )
    with matplotlib.rc_context(chart_rc(repr((title, rows)))):
        height = 1.5 + row_height(len(rows)) * len(rows)
        figure = Figure(figsize=(_WIDTH_IN, height))
        longest = max(len(r["label"]) for r in rows)
        left = min(0.5, (0.2 + 0.072 * longest) / _WIDTH_IN)
        # The right margin holds the value column, outside the plot and its whiskers.
        figure.subplots_adjust(left=left, right=0.74, top=1 - 0.38 / height, bottom=0.6 / height)
        axes = figure.add_subplot()
        for position, row in enumerate(rows):
            value = row["value"] if _finite(row["value"]) else 0.0
            axes.barh(position, value, height=0.6, color=_BAR)
            if row["interval"]:
                draw_whisker(axes, value, position, row["interval"])
            text = f"{row['value']:.3f}" if _finite(row["value"]) else "—"
            if row["interval"]:
                text += f" [{row['interval'][0]:.3f}, {row['interval'][1]:.3f}]"
            axes.text(
                1.02,
                position,
                text,
                va="center",
                fontsize=7,
                transform=axes.get_yaxis_transform(),
                parse_math=False,
            )
        axes.set_yticks(range(len(rows)), [r["label"] for r in rows], parse_math=False)
        axes.set_xlim(0, highest * 1.05)
        axes.set_ylim(len(rows) - 0.5, -0.5)
        axes.set_xlabel(f"{label} (whiskers: 95% interval)")
        axes.set_title(title, loc="left", fontsize=10, parse_math=False)
        axes.spines[["top", "right"]].set_visible(False)
        return _svg(figure, title)


def prediction_target_chart(grouping: dict) -> str:
    """Each group's mean prediction against its mean target, with intervals and y = x."""
    points: list[tuple[str, float, float, Any, Any]] = []
    for group in grouping.get("groups", []):
        metrics = group.get("metrics") or {}
        x, y = metrics.get("mean_target"), metrics.get("mean_prediction")
        if _finite(x) and _finite(y):
            intervals = group.get("intervals") or {}
            points.append(
                (
                    str(group.get("label")),
                    x,
                    y,
                    intervals.get("mean_target"),
                    intervals.get("mean_prediction"),
                )
            )
    if not points:
        return ""
    title = f"Mean prediction against mean target by {grouping.get('name')}"
    values = [v for p in points for v in (p[1], p[2])]
    for p in points:
        for interval in (p[3], p[4]):
            if isinstance(interval, list | tuple) and all(_finite(b) for b in interval):
                values.extend(interval)
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    low, high = low - pad, high + pad
    with matplotlib.rc_context(chart_rc(repr((title, points)))):
        figure = Figure(figsize=(_WIDTH_IN, 3.6))
        figure.subplots_adjust(left=0.12, right=0.6, top=0.9, bottom=0.14)
        axes = figure.add_subplot()
        axes.plot(
            [low, high],
            [low, high],
            color="#777777",
            linestyle="--",
            linewidth=1,
            label="prediction = target",
        )
        markers = "osD^v<>ph*"
        for i, (label, x, y, x_interval, y_interval) in enumerate(points):
            xerr = [[x - x_interval[0]], [x_interval[1] - x]] if _ok(x_interval) else None
            yerr = [[y - y_interval[0]], [y_interval[1] - y]] if _ok(y_interval) else None
            axes.errorbar(
                x,
                y,
                xerr=xerr,
                yerr=yerr,
                fmt=markers[i % len(markers)],
                color=_POINT if i % 2 else _BAR,
                ecolor="#444444",
                elinewidth=0.8,
                capsize=2,
                label=f"{label}: target {x:.3g}, prediction {y:.3g}",
            )
        axes.set_xlim(low, high)
        axes.set_ylim(low, high)
        axes.set_xlabel("mean target (95% interval)")
        axes.set_ylabel("mean prediction (95% interval)")
        axes.set_title(title, loc="left", fontsize=10, parse_math=False)
        axes.spines[["top", "right"]].set_visible(False)
        # The legend names each group beside the plot, so no label sits on a whisker.
        axes.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=7, frameon=False)
        return _svg(figure, title)


def _ok(interval: object) -> bool:
    return (
        isinstance(interval, list | tuple)
        and len(interval) == 2
        and all(_finite(b) for b in interval)
    )


def confusion_heatmap(group_label: str, labels: list[str], matrix: list[list[int]]) -> str:
    """A confusion matrix (rows: true class, columns: predicted) as accessible SVG."""
    if not labels or not matrix:
        return ""
    title = (
        f"Confusion matrix of {group_label}: rows are the true class, columns the predicted class"
    )
    size, left, top = 44, 90, 60
    n = len(labels)
    width, height = left + size * n + 10, top + size * n + 10
    highest = max((max(row) for row in matrix if row), default=0) or 1
    esc = html.escape
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'style="max-width:{width}px" role="img" aria-label="{esc(title, quote=True)}">',
        f"<title>{esc(title)}</title>",
        f'<text x="{left + size * n / 2}" y="14" text-anchor="middle" font-size="11">predicted</text>',
        f'<text x="10" y="{top + size * n / 2}" font-size="11" transform="rotate(-90 10 {top + size * n / 2})" text-anchor="middle">true</text>',
    ]
    for j, label in enumerate(labels):
        parts.append(
            f'<text x="{left + size * j + size / 2}" y="{top - 8}" text-anchor="middle" font-size="10">{esc(label[:10])}</text>'
        )
    for i, row in enumerate(matrix):
        parts.append(
            f'<text x="{left - 6}" y="{top + size * i + size / 2 + 4}" text-anchor="end" font-size="10">{esc(labels[i][:12])}</text>'
        )
        for j, count in enumerate(row):
            share = count / highest
            # Blue shades; the count is dark on light cells, white on dark ones.
            shade = round(255 - share * 200)
            fill = f"rgb({shade},{min(255, shade + 20)},255)"
            ink = "#ffffff" if share > 0.55 else "#000000"
            x, y = left + size * j, top + size * i
            parts.append(
                f'<rect x="{x}" y="{y}" width="{size}" height="{size}" fill="{fill}" stroke="#ffffff"/>'
                f'<text x="{x + size / 2}" y="{y + size / 2 + 4}" text-anchor="middle" font-size="11" fill="{ink}">{count}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
