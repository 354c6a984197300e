"""One presentation of an LLM run: its stored llm-fairness-report/1 document as plain data.

The run page, the report page and the PDF show an LLM run through `LlmRunView` and one template
(`reports/includes/llm_run.html`): flags first (failed checks, then inconclusive ones, each with
its value, interval, threshold and the group against the reference), then the per-group table,
the comparisons of each group with the reference (metrics with intervals, McNemar and Wilcoxon
p-values), the charts and the example pairs with the largest gaps. No figure is recomputed: the
numbers are the engine's, the `neg` histogram the worker's (`run.figures`).
"""

from dataclasses import dataclass, field

from audits.reports.charts import grouping_rate_chart, neg_distribution_chart
from checklists.gates import COMPARISON_SYMBOLS, is_number
from fairness.text import COMPARISON_METRICS

from .checks import (
    FAIL,
    INCONCLUSIVE,
    PASS,
    VERDICT_ORDER,
    VerdictShown,
    check_verdict,
)
from .labels import capfirst, metric_words
from .numbers import UNDEFINED_TEXT, Cell, cell, digits_for

#: Per-group columns in order, with their labels; toxicity and decision ones only when present.
GROUP_COLUMNS = (
    ("refusal_rate", "Refusal rate"),
    ("mean_tokens", "Mean tokens"),
    ("sentiment_neg", "VADER neg"),
    ("sentiment_pos", "VADER pos"),
    ("sentiment_compound", "VADER compound"),
    ("toxic_fraction", "Toxic fraction"),
    ("expected_maximum_toxicity", "Expected max. toxicity"),
    ("toxicity_probability", "Toxicity probability"),
    ("selection_rate", "Selection rate"),
    ("impact_ratio", "Impact ratio"),
)
COMPARISON_LABELS = {
    "sentiment_bias_strong": "Sentiment bias, strong (Wasserstein-1 of neg)",
    "sentiment_bias_weak": "Sentiment bias, weak (share neg > 0.5)",
    "rougel_similarity": "ROUGE-L similarity",
    "token_jaccard": "Token Jaccard",
    "refusal_rate_difference": "Refusal rate difference",
    "refusal_rate_ratio": "Refusal rate ratio",
    "length_ratio": "Length ratio",
    "sentiment_shift": "Sentiment shift (compound)",
    "decision_flip_rate": "Decision flip rate",
    "impact_ratio": "Impact ratio (matched pairs)",
}
TEST_LABELS = {
    "refusal_mcnemar_p": "Refusals: exact McNemar p",
    "sentiment_wilcoxon_p": "Sentiment shift: Wilcoxon p",
    "decision_mcnemar_p": "Decisions: exact McNemar p",
}
TOKEN_DIGITS = 1


def _digits(metric: str) -> int:
    return TOKEN_DIGITS if metric == "mean_tokens" else digits_for(metric)


def p_value_text(value: object) -> str:
    """A p-value to 4 decimals, "<0.0001" below that; "—" when undefined."""
    if not is_number(value):
        return UNDEFINED_TEXT
    return "<0.0001" if value < 0.0001 else f"{value:.4f}"


def _interval(value: object) -> tuple[float, float] | None:
    if isinstance(value, list | tuple) and len(value) == 2 and all(map(is_number, value)):
        return float(value[0]), float(value[1])
    return None


@dataclass(frozen=True)
class LlmCheck(VerdictShown):
    """One check of an LLM run on one group (against the reference, for a comparison metric)."""

    metric: str
    group: str
    reference: str
    comparison: str
    threshold: float
    value: float | None
    interval: tuple[float, float] | None
    verdict: str
    reason: str

    @property
    def is_comparison(self) -> bool:
        return self.metric in COMPARISON_METRICS

    @property
    def label(self) -> str:
        return metric_words(self.metric)

    @property
    def where(self) -> str:
        """ "female vs male (reference)", or "group female" for a per-group metric."""
        if self.is_comparison:
            return f"{self.group} vs {self.reference} (reference)"
        return f"group {self.group}"

    @property
    def symbol(self) -> str:
        return COMPARISON_SYMBOLS.get(self.comparison, self.comparison)

    @property
    def requirement(self) -> str:
        return f"{self.symbol} {self.threshold:g}"

    @property
    def value_cell(self) -> Cell:
        return cell(
            self.value, _digits(self.metric), interval=self.interval, why=self.reason or None
        )

    @property
    def interval_text(self) -> str:
        return self.value_cell.interval

    @property
    def text(self) -> str:
        """The check in one sentence (no full stop)."""
        words = capfirst(self.label)
        if self.value is None:
            return f"{words} is undefined on {self.where}: {self.reason or 'not measured'}"
        shown = self.value_cell.text
        interval = f"95% interval {self.interval_text}" if self.interval_text else "no interval"
        if self.verdict == INCONCLUSIVE:
            return (
                f"{words} {shown} on {self.where} is inconclusive against {self.requirement}: "
                f"its {interval} straddles the threshold"
            )
        if self.verdict == FAIL:
            side = "below" if self.comparison in (">=", ">") else "above"
            return (
                f"{words} {shown} on {self.where} is {side} the {self.threshold:g} threshold "
                f"({self.requirement} required; {interval})"
            )
        return f"{words} {shown} on {self.where} meets {self.requirement} ({interval})"


@dataclass(frozen=True)
class LlmGroupRow:
    group: str
    is_reference: bool
    responses: int
    pairs: int
    cells: tuple[Cell, ...]  # in the view's `group_columns` order


@dataclass(frozen=True)
class LlmComparisonRow:
    metric: str
    label: str
    cells: tuple[Cell, ...]  # one per compared group, in the view's `compared` order


@dataclass(frozen=True)
class LlmTestRow:
    name: str
    label: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class LlmExample:
    pair_id: str
    why: str
    group: str
    reference: str
    difference: float | None
    responses: tuple[tuple[str, str], ...]  # (group, text): the reference first
    prompts: tuple[tuple[str, str], ...]
    decisions: tuple[tuple[str, str], ...]
    sample: str | None

    @property
    def summary(self) -> str:
        gap = f" ({self.difference:+.2f})" if self.difference is not None else ""
        return f"Pair {self.pair_id}: {self.why}{gap}, {self.group} vs {self.reference}"


@dataclass(frozen=True)
class LlmRunView:
    reference_group: str
    input: dict
    versions: dict
    refusal_patterns: list[str]
    group_columns: list[tuple[str, str]]
    group_rows: list[LlmGroupRow]
    compared: list[str]  # the groups compared with the reference
    pairs: list[int]  # matched pairs of each compared group
    comparison_rows: list[LlmComparisonRow]
    test_rows: list[LlmTestRow]
    checks: list[LlmCheck]  # failed first, then inconclusive, then passed
    charts: list[dict] = field(default_factory=list)  # [{"key", "title", "svg"}]
    examples: list[LlmExample] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    histogram_note: str = ""

    @property
    def failed_checks(self) -> list[LlmCheck]:
        return [c for c in self.checks if c.verdict == FAIL]

    @property
    def inconclusive_checks(self) -> list[LlmCheck]:
        return [c for c in self.checks if c.verdict == INCONCLUSIVE]

    @property
    def passed_checks(self) -> list[LlmCheck]:
        return [c for c in self.checks if c.verdict == PASS]

    @property
    def verdict(self) -> str:
        if self.failed_checks:
            return FAIL
        return INCONCLUSIVE if self.inconclusive_checks else PASS

    @property
    def verdict_counts(self) -> str:
        failed, inconclusive = len(self.failed_checks), len(self.inconclusive_checks)
        passed = len(self.checks) - failed - inconclusive
        return (
            f"{failed} of {len(self.checks)} checks fail, {inconclusive} inconclusive, "
            f"{passed} pass"
        )


def llm_checks(result: dict | None) -> list[LlmCheck]:
    """The checks of an llm-fairness-report/1 document, failed first, then inconclusive."""
    reference = str((result or {}).get("reference_group") or "")
    checks = [
        LlmCheck(
            metric=str(c.get("metric", "")),
            group=str(c.get("group", "")),
            reference=reference,
            comparison=str(c.get("comparison", ">=")),
            threshold=float(c.get("threshold") or 0.0),
            value=c.get("value") if is_number(c.get("value")) else None,
            interval=_interval(c.get("interval")),
            verdict=check_verdict(c),
            reason=str(c.get("reason") or ""),
        )
        for c in (result or {}).get("checks", [])
    ]
    return sorted(checks, key=lambda c: VERDICT_ORDER[c.verdict])


def llm_presentation(
    result: dict | None, config: dict | None, figures: dict | None = None, *, charts: bool = True
) -> LlmRunView | None:
    """An LLM run's document as plain data (None without a document); `charts` draws the SVGs."""
    if not result:
        return None
    reference = str(result.get("reference_group") or "")
    groups = result.get("groups") or []
    present = {m for g in groups for m, v in (g.get("metrics") or {}).items() if v is not None}
    present |= {m for g in groups for m in (g.get("undefined") or {})}
    columns = [(m, label) for m, label in GROUP_COLUMNS if m in present or m == "refusal_rate"]
    rows = [
        LlmGroupRow(
            group=str(g.get("group", "")),
            is_reference=str(g.get("group")) == reference,
            responses=int(g.get("responses") or 0),
            pairs=int(g.get("pairs") or 0),
            cells=tuple(
                cell(
                    (g.get("metrics") or {}).get(m),
                    _digits(m),
                    interval=(g.get("intervals") or {}).get(m),
                    why=(g.get("undefined") or {}).get(m),
                )
                for m, _ in columns
            ),
        )
        for g in groups
    ]
    comparisons = result.get("comparisons") or []
    measured = {
        m for c in comparisons for m, v in (c.get("metrics") or {}).items() if v is not None
    }
    comparison_rows = [
        LlmComparisonRow(
            metric=m,
            label=COMPARISON_LABELS.get(m, m.replace("_", " ")),
            cells=tuple(
                cell(
                    (c.get("metrics") or {}).get(m),
                    _digits(m),
                    interval=(c.get("intervals") or {}).get(m),
                    why=(c.get("undefined") or {}).get(m),
                )
                for c in comparisons
            ),
        )
        for m in COMPARISON_METRICS
        if m in measured
    ]
    tests = [n for n in TEST_LABELS if any(n in (c.get("tests") or {}) for c in comparisons)]
    test_rows = [
        LlmTestRow(
            name=n,
            label=TEST_LABELS[n],
            values=tuple(p_value_text((c.get("tests") or {}).get(n)) for c in comparisons),
        )
        for n in tests
    ]
    histogram = (figures or {}).get("neg_histogram") or {}
    view = LlmRunView(
        reference_group=reference,
        input=dict(result.get("input") or {}),
        versions=dict(result.get("versions") or {}),
        refusal_patterns=[str(p) for p in result.get("refusal_patterns") or []],
        group_columns=columns,
        group_rows=rows,
        compared=[str(c.get("group", "")) for c in comparisons],
        pairs=[int(c.get("pairs") or 0) for c in comparisons],
        comparison_rows=comparison_rows,
        test_rows=test_rows,
        checks=llm_checks(result),
        charts=_charts(result, histogram) if charts else [],
        examples=[_example(e) for e in result.get("examples") or []],
        warnings=[str(w) for w in result.get("warnings") or []],
        histogram_note=_histogram_note(histogram),
    )
    return view


def _histogram_note(histogram: dict) -> str:
    if not histogram:
        return ""
    scored = histogram.get("responses") or 0
    if histogram.get("complete", True):
        return f"The neg distribution is drawn from all {scored:,} responses."
    return f"The neg distribution is drawn from the first {scored:,} responses of the file."


def _charts(result: dict, histogram: dict) -> list[dict]:
    reference = result.get("reference_group")
    charts = []
    neg = neg_distribution_chart(histogram, reference=reference)
    if neg:
        charts.append({"key": "neg", "title": "VADER neg score distribution by group", "svg": neg})
    grouping = {
        "name": "group",
        "reference_group": reference,
        "groups": [
            {
                "label": g.get("group"),
                "metrics": {"refusal_rate": (g.get("metrics") or {}).get("refusal_rate")},
                "intervals": {"refusal_rate": (g.get("intervals") or {}).get("refusal_rate")},
            }
            for g in result.get("groups") or []
        ],
    }
    reference_rate = next(
        (
            (g.get("metrics") or {}).get("refusal_rate")
            for g in result.get("groups") or []
            if g.get("group") == reference
        ),
        None,
    )
    refusal = grouping_rate_chart(
        grouping,
        "refusal_rate",
        reference=reference_rate if is_number(reference_rate) else None,
        four_fifths=None,
    )
    if refusal:
        charts.append({"key": "refusal", "title": "Refusal rate by group", "svg": refusal})
    return charts


def _pairs(value: object, order: list[str]) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        return ()
    keys = [k for k in order if k in value] + [k for k in value if k not in order]
    return tuple((str(k), "" if value[k] is None else str(value[k])) for k in keys)


def _example(example: dict) -> LlmExample:
    reference = str(example.get("reference", ""))
    group = str(example.get("group", ""))
    order = [reference, group]
    difference = example.get("difference")
    return LlmExample(
        pair_id=str(example.get("pair_id", "")),
        why=str(example.get("why", "")),
        group=group,
        reference=reference,
        difference=float(difference) if is_number(difference) else None,
        responses=_pairs(example.get("responses"), order),
        prompts=_pairs(example.get("prompts"), order),
        decisions=_pairs(example.get("decisions"), order),
        sample=None if example.get("sample") is None else str(example.get("sample")),
    )
