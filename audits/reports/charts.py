"""SVG bar charts of a fairness run's per-group rates (matplotlib, deterministic output).

Each chart is one grouping and one rate: a horizontal bar per group with its 95% interval, the
reference group's rate as a line and, for selection rate, the four-fifths screen as a dashed line.
Labels stay SVG text (`svg.fonttype = "none"`), so they are searchable, accessible and readable
back from a PDF; matplotlib escapes them, so a group called `<script>` is shown, never run. The
`svg.hashsalt` is derived from the chart's data (`chart_rc`) and no date is written, so the same
data give the same bytes, and two charts inlined in one page never share an element id.
"""

import hashlib
import html
import io
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeGuard

import matplotlib

from fairness import DEFAULT_FOUR_FIFTHS_THRESHOLD

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

RATE_METRICS = {
    "selection_rate": "Selection rate",
    "true_positive_rate": "True positive rate",
    "false_positive_rate": "False positive rate",
}
# Rates drawn for other kinds of run (an LLM run's refusal rate), not part of `grouping_charts`.
_OTHER_RATES = {"refusal_rate": "Refusal rate"}

_RC: "dict[RcKeyType, Any]" = {
    "svg.fonttype": "none",
    "svg.hashsalt": "fairness-workbench",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "text.usetex": False,
}
# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
_BAR = "#0072B2"
_REFERENCE_BAR = "#009E73"
_EXCLUDED = "#BBBBBB"
_REFERENCE_LINE = "#000000"
_SCREEN_LINE = "#D55E00"
_MAX_LABEL = 40


_WIDTH_IN = 6.4
# Bar rows: roomy for a few groups, down to _MIN_ROW_IN for many, so that 40 groups still fit
# on one A4 page (the stylesheet also caps a chart's printed height).
_ROW_IN = 0.38
_MIN_ROW_IN = 0.22
_ROWS_HEIGHT_IN = 6.4
# Right end of the value axis, as a multiple of the largest value or whisker end: room for the
# value label past the longest whisker.
_X_HEADROOM = 1.12


def chart_rc(key: str) -> "dict[RcKeyType, Any]":
    """The rc settings of one chart. matplotlib names the SVG's clip paths and glyphs by hashing
    their content with `svg.hashsalt`: a salt shared by every chart gives two charts with the same
    axes the same ids, which clash once both are inlined in one HTML page. A salt derived from the
    chart's own data (`key`) keeps ids unique per chart and the output deterministic."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return {**_RC, "svg.hashsalt": f"fairness-workbench-{digest}"}


def row_height(rows: int) -> float:
    """Inches per bar: `_ROW_IN` while the rows fit in `_ROWS_HEIGHT_IN`, less past that."""
    return max(_MIN_ROW_IN, min(_ROW_IN, _ROWS_HEIGHT_IN / max(rows, 1)))


def grouping_rate_chart(
    grouping: dict,
    metric: str,
    *,
    reference: float | None,
    four_fifths: float | None = DEFAULT_FOUR_FIFTHS_THRESHOLD,
) -> str:
    """One rate of every group of a grouping, as inline-ready SVG text ("" when nothing to draw).

    Parameters
    ----------
    grouping : dict
        A grouping of a fairness-report/1 document (``name``, ``groups``, ``reference_group``).
    metric : str
        ``selection_rate``, ``true_positive_rate`` or ``false_positive_rate``.
    reference : float or None
        Where to draw the reference line (usually the reference group's rate); none when None.
    four_fifths : float or None
        For selection rate, the screening multiple of ``reference`` drawn as a dashed line.
    """
    rows = [_row(group, metric, grouping.get("reference_group")) for group in grouping["groups"]]
    if not any(row["value"] is not None for row in rows):
        return ""
    name = RATE_METRICS.get(metric) or _OTHER_RATES.get(metric) or metric.replace("_", " ")
    title = f"{name.capitalize() if metric not in RATE_METRICS else name} by {grouping['name']}"
    with matplotlib.rc_context(chart_rc(repr((title, rows, reference, four_fifths)))):
        height = 1.6 + row_height(len(rows)) * len(rows)
        figure = Figure(figsize=(_WIDTH_IN, height))
        # Fixed margins sized from the labels: as readable as a constrained layout, and about half
        # the drawing time, which matters for a report with many groupings.
        longest = max(len(row["label"]) for row in rows)
        left = min(0.58, (0.2 + 0.072 * longest) / _WIDTH_IN)
        figure.subplots_adjust(left=left, right=0.96, top=1 - 0.38 / height, bottom=0.78 / height)
        axes = figure.add_subplot()
        right = _axis_end(rows, reference)
        _draw_bars(axes, rows, right=right)
        _draw_reference(axes, metric, reference, four_fifths)
        axes.set_xlim(0, right)
        axes.set_ylim(len(rows) - 0.5, -0.5)
        axes.set_xlabel(f"{name} (bars: 95% interval)")
        axes.set_title(title, loc="left", fontsize=10, parse_math=False)
        axes.spines[["top", "right"]].set_visible(False)
        if axes.get_legend_handles_labels()[0]:
            figure.legend(
                loc="lower center", bbox_to_anchor=(0.5, 0.0), ncols=2, fontsize=7, frameon=False
            )
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    return _inline(svg[svg.index("<svg") :], label=title)  # no XML prolog: it is inlined in HTML


_ID = re.compile(r'\sid="([^"]+)"')
_REFERENCE = re.compile(r'(?:href="|url\()#([^")]+)')


def _inline(svg: str, *, label: str | None = None) -> str:
    """Let the chart scale to its container (its viewBox keeps the proportions), name its role
    and, given a label, its accessible name (escaped: a group's name is data).

    matplotlib also names its groups `figure_1`, `axes_1`, `line2d_1`... in every chart; nothing
    refers to them, and inlined side by side they would repeat in the page: they are dropped, so
    the only ids left are the referenced ones, salted per chart (`chart_rc`)."""
    referenced = set(_REFERENCE.findall(svg))
    svg = _ID.sub(lambda m: m.group(0) if m.group(1) in referenced else "", svg)
    head, rest = svg.split(">", 1)
    head = re.sub(r'\s(?:width|height)="[^"]*"', "", head)
    name = f' aria-label="{html.escape(label, quote=True)}"' if label else ""
    return f'{head} width="100%" role="img"{name}>{rest}'


def _row(group: dict, metric: str, reference_group: str | None) -> dict:
    value = (group.get("metrics") or {}).get(metric)
    if not _finite(value):
        value = None
    interval = (group.get("intervals") or {}).get(metric)
    if not (
        isinstance(interval, list | tuple) and len(interval) == 2 and all(map(_finite, interval))
    ):
        interval = None
    label = str(group.get("label", ""))
    if len(label) > _MAX_LABEL:
        label = label[: _MAX_LABEL - 1] + "…"  # the table beside the chart shows it whole
    unknown = bool(group.get("unknown"))
    excluded = bool(group.get("excluded")) or unknown
    notes = []
    if not unknown and group.get("label") is not None and group.get("label") == reference_group:
        notes.append("reference")
    if excluded:
        notes.append("unknown, not compared" if unknown else "excluded")
    if value is None:
        notes.append("undefined")
    shown = f"{label} ({', '.join(notes)})" if notes else label
    return {
        "label": shown,
        "value": value,
        "interval": interval,
        "excluded": excluded,
        "reference": "reference" in notes,
    }


def _axis_end(rows: list[dict], reference: float | None) -> float:
    """The value axis ends past the largest value, whisker end or reference line (rates: at most
    1 before the headroom), so the value labels drawn past the whiskers stay inside the chart."""
    ends = [row["interval"][1] if row["interval"] else row["value"] or 0.0 for row in rows]
    if _finite(reference):
        ends.append(reference)
    return max(max(ends), 0.05) * _X_HEADROOM


def _draw_bars(axes, rows: list[dict], *, right: float) -> None:
    positions = list(range(len(rows)))
    gap = right * 0.012  # between a whisker's end and its value label
    for position, row in zip(positions, rows, strict=True):
        value = row["value"] or 0.0
        colour = _EXCLUDED if row["excluded"] else (_REFERENCE_BAR if row["reference"] else _BAR)
        axes.barh(
            position,
            value,
            height=0.6,
            color=colour,
            hatch="//" if row["excluded"] else None,
            edgecolor="#555555" if row["excluded"] else colour,
            linewidth=0.6,
        )
        if row["interval"] is not None:
            draw_whisker(axes, value, position, row["interval"])
        text = "—" if row["value"] is None else f"{row['value']:.3f}"
        end = max(row["interval"][1], value) if row["interval"] else value
        # Past the whisker's cap, on a small white box: never on the whisker or a reference line.
        axes.text(
            end + gap,
            position,
            text,
            va="center",
            fontsize=8,
            parse_math=False,
            zorder=5,
            bbox={"boxstyle": "square,pad=0.12", "facecolor": "white", "edgecolor": "none"},
        )
    axes.set_yticks(positions, [row["label"] for row in rows], parse_math=False)


def _draw_reference(axes, metric: str, reference: float | None, four_fifths: float | None) -> None:
    if not _finite(reference):
        return
    axes.axvline(
        reference,
        color=_REFERENCE_LINE,
        linewidth=1.2,
        label=f"reference group rate ({reference:.3f})",
    )
    if metric == "selection_rate" and _finite(four_fifths):
        screen = reference * four_fifths
        axes.axvline(
            screen,
            color=_SCREEN_LINE,
            linewidth=1.2,
            linestyle="--",
            label=f"four-fifths screen ({screen:.3f})",
        )


def _finite(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def grouping_charts(
    grouping: dict, *, four_fifths: float | None = DEFAULT_FOUR_FIFTHS_THRESHOLD
) -> list[dict]:
    """The rate charts of one grouping that have data: [{"metric", "title", "svg"}], in a fixed order.

    The reference line is the reference group's own rate of each metric.
    """
    reference_label = grouping.get("reference_group")
    reference = next(
        (
            g
            for g in grouping.get("groups", [])
            if reference_label is not None and g.get("label") == reference_label
        ),
        None,
    )
    charts = []
    for metric, title in RATE_METRICS.items():
        value = ((reference or {}).get("metrics") or {}).get(metric)
        svg = grouping_rate_chart(
            grouping, metric, reference=value if _finite(value) else None, four_fifths=four_fifths
        )
        if svg:
            charts.append({"metric": metric, "title": f"{title} by {grouping['name']}", "svg": svg})
    return charts


# Okabe-Ito colours and distinct markers, so groups are told apart without colour too.
_SERIES = (
    ("#0072B2", "o"),
    ("#D55E00", "s"),
    ("#009E73", "^"),
    ("#CC79A7", "D"),
    ("#E69F00", "v"),
    ("#56B4E9", "P"),
    ("#000000", "X"),
)


def neg_distribution_chart(histogram: dict, *, reference: str | None = None) -> str:
    """VADER `neg` scores of each group's responses: the share in each tenth of [0, 1], one line
    (colour and marker) per group; "" when there is nothing to draw.

    `histogram` is `{"bins": 10, "counts": {group: [n per bin]}}` (see the worker's
    `neg_histogram`); the reference group's line is solid and thicker, the others dashed.
    """
    counts = histogram.get("counts") or {}
    bins = int(histogram.get("bins") or 0)
    if not counts or bins < 1:
        return ""
    title = "VADER neg score distribution by group"
    centres = [(i + 0.5) / bins for i in range(bins)]
    with matplotlib.rc_context(chart_rc(repr((title, sorted(counts.items()), reference)))):
        figure = Figure(figsize=(_WIDTH_IN, 3.4))
        figure.subplots_adjust(left=0.1, right=0.97, top=0.88, bottom=0.3)
        axes = figure.add_subplot()
        for index, (group, row) in enumerate(sorted(counts.items())):
            total = sum(row) or 1
            colour, marker = _SERIES[index % len(_SERIES)]
            label = str(group)
            if len(label) > _MAX_LABEL:
                label = label[: _MAX_LABEL - 1] + "…"
            is_reference = reference is not None and group == reference
            axes.plot(
                centres,
                [n / total for n in row],
                color=colour,
                marker=marker,
                markersize=4,
                linewidth=2.0 if is_reference else 1.2,
                linestyle="-" if is_reference else "--",
                label=f"{label} (reference, n={sum(row)})"
                if is_reference
                else f"{label} (n={sum(row)})",
            )
        axes.set_xlim(0, 1)
        axes.set_ylim(0, None)
        axes.set_xlabel("VADER neg score of a response (share of its words read as negative)")
        axes.set_ylabel("share of the group's responses")
        axes.set_title(title, loc="left", fontsize=10, parse_math=False)
        axes.spines[["top", "right"]].set_visible(False)
        figure.legend(
            loc="lower center", bbox_to_anchor=(0.5, 0.0), ncols=3, fontsize=7, frameon=False
        )
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    return _inline(svg[svg.index("<svg") :], label=title)


def draw_whisker(axes: Any, value: float, position: float, interval: Sequence[float]) -> None:
    """A horizontal 95% interval whisker on a bar at `position` (clipped at the bar's value)."""
    low, high = interval
    axes.errorbar(
        value,
        position,
        xerr=[[max(value - low, 0)], [max(high - value, 0)]],
        fmt="none",
        ecolor="#222222",
        elinewidth=1,
        capsize=3,
    )
