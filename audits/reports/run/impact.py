"""The LL144 table of a grouping: selection (and scoring) rates and impact ratios, with exclusions."""

from dataclasses import dataclass

from fairness import DEFAULT_EXCLUSION_SHARE

from .numbers import RATE_DIGITS, RATIO_DIGITS, Cell, cell

DEFAULT_EXCLUSION_JUSTIFICATION = (
    "Groups under {share:.0%} of the rows are left out of the impact ratios, as the LL144 rules "
    "(6 RCNY §5-301) allow for categories under 2% of the data; their counts and rates are still "
    "reported. No further justification was recorded for this run."
)


@dataclass(frozen=True)
class ImpactRow:
    label: str
    count: int
    share: float | None
    selection_rate: float | None
    impact_ratio: float | None
    scoring_rate: float | None
    scoring_impact_ratio: float | None
    excluded: bool
    unknown: bool
    is_reference: bool
    is_scoring_reference: bool
    below_threshold: bool  # either impact ratio under the four-fifths threshold

    @property
    def cells(self) -> dict[str, Cell]:
        return {
            "share": cell(self.share, RATE_DIGITS),
            "selection_rate": cell(self.selection_rate, RATE_DIGITS),
            "impact_ratio": cell(self.impact_ratio, RATIO_DIGITS),
            "scoring_rate": cell(self.scoring_rate, RATE_DIGITS),
            "scoring_impact_ratio": cell(self.scoring_impact_ratio, RATIO_DIGITS),
        }


@dataclass(frozen=True)
class ImpactTable:
    """The LL144 table of one grouping: selection (and scoring) rates and impact ratios."""

    grouping: str
    reference_group: str | None
    scoring_reference_group: str | None
    has_scoring: bool
    threshold: float
    rows: list[ImpactRow]
    unknown_count: int
    excluded: list[str]
    justification: str


def impact_table(grouping: dict, options: dict, threshold: float) -> ImpactTable:
    """The grouping's LL144 table; the justification is the recorded one, else the default."""
    groups = grouping.get("groups", [])
    reference = grouping.get("reference_group")
    scoring_reference = grouping.get("scoring_reference_group")
    rows = [_impact_row(g, reference, scoring_reference, threshold) for g in groups]
    excluded = [r.label for r in rows if r.excluded]
    recorded = str(options.get("exclusion_justification") or "").strip()
    default = DEFAULT_EXCLUSION_JUSTIFICATION.format(
        share=options.get("exclusion_share") or DEFAULT_EXCLUSION_SHARE
    )
    return ImpactTable(
        grouping=grouping.get("name", ""),
        reference_group=reference,
        scoring_reference_group=scoring_reference,
        has_scoring=any("scoring_impact_ratio" in g for g in groups),
        threshold=threshold,
        rows=rows,
        unknown_count=grouping.get("unknown_count") or 0,
        excluded=excluded,
        justification=recorded or (default if excluded else ""),
    )


def _impact_row(
    group: dict, reference: str | None, scoring_reference: str | None, threshold: float
) -> ImpactRow:
    label = str(group.get("label", ""))
    metrics = group.get("metrics") or {}
    ratios = [group.get("impact_ratio"), group.get("scoring_impact_ratio")]
    return ImpactRow(
        label=label,
        count=group.get("count") or 0,
        share=group.get("share"),
        selection_rate=metrics.get("selection_rate"),
        impact_ratio=group.get("impact_ratio"),
        scoring_rate=metrics.get("scoring_rate"),
        scoring_impact_ratio=group.get("scoring_impact_ratio"),
        excluded=bool(group.get("excluded")),
        unknown=bool(group.get("unknown", label == "Unknown")),
        is_reference=reference is not None and label == reference,
        is_scoring_reference=scoring_reference is not None and label == scoring_reference,
        below_threshold=any(isinstance(r, int | float) and r < threshold for r in ratios),
    )
