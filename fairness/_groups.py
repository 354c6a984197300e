"""Groupings (each sensitive column, then their intersection) and LL144 impact ratios.

Impact ratios follow NYC Local Law 144 (6 RCNY §5-301): a group's rate divided by the rate of the
reference group, which is the group with the highest rate among the groups that are not excluded,
unless the auditor names one. A group with fewer than ``exclusion_share`` of the used rows is
excluded *before* the highest group is chosen; it stays in the report with its count and rate, but
gets no impact ratio. Rows with an empty sensitive value form the group ``Unknown``: counted and
shown, never part of impact ratios or disparities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._errors import TOO_MANY_GROUPS, dataset_error
from ._table import Table

UNKNOWN = "Unknown"
SEPARATOR = " x "


@dataclass(frozen=True)
class Grouping:
    """One grouping of the rows: its known groups and, per cell, the group of the cell."""

    name: str
    columns: tuple[str, ...]
    labels: tuple[str, ...]
    keys: tuple[dict[str, str], ...]
    cell_group: np.ndarray
    fine_group: np.ndarray | None
    unknown_count: int

    @property
    def size(self) -> int:
        return len(self.labels)


def build_groupings(table: Table, *, max_groups: int) -> list[Grouping]:
    """Return the groupings of ``table`` in report order.

    Raises
    ------
    DatasetError
        ``too_many_groups`` when the intersection has more than ``max_groups`` groups.
    """
    width = len(table.sensitive)
    subsets: list[tuple[int, ...]] = [(j,) for j in range(width)]
    if width >= 2:
        subsets.append(tuple(range(width)))
    coarse, fine = table.cells, table.fine
    groupings = []
    for subset in subsets:
        columns = tuple(table.sensitive[j] for j in subset)
        blocks = [coarse.codes[:, subset]] + ([fine.codes[:, subset]] if fine is not None else [])
        stacked = np.concatenate(blocks)
        known = (stacked > 0).all(axis=1)
        distinct, inverse = np.unique(stacked[known], axis=0, return_inverse=True)
        names = [
            tuple(table.levels[j][c - 1] for j, c in zip(subset, row, strict=True))
            for row in distinct
        ]
        name = SEPARATOR.join(columns)
        if len(names) > max_groups:
            raise dataset_error(
                TOO_MANY_GROUPS,
                grouping=name,
                limit=max_groups,
                count=len(names),
                hint="Use fewer sensitive columns, or coarser groups.",
            )
        order = sorted(range(len(names)), key=lambda i: names[i])
        rank = np.empty(len(names), dtype=np.int64)
        rank[order] = np.arange(len(names))
        group = np.full(len(stacked), -1, dtype=np.int64)
        group[known] = rank[inverse.reshape(-1)]
        n_coarse = len(coarse.counts)
        groupings.append(
            Grouping(
                name=name,
                columns=columns,
                labels=tuple(SEPARATOR.join(names[i]) for i in order),
                keys=tuple(dict(zip(columns, names[i], strict=True)) for i in order),
                cell_group=group[:n_coarse],
                fine_group=group[n_coarse:] if fine is not None else None,
                unknown_count=int(coarse.counts[group[:n_coarse] < 0].sum()),
            )
        )
    return groupings


@dataclass(frozen=True)
class ImpactRatios:
    """Impact ratios of one grouping on one rate (selection or scoring)."""

    reference: int | None
    rule: str
    excluded: np.ndarray
    ratios: np.ndarray
    reasons: list[str | None]
    minimum: float | None
    minimum_reason: str | None


def impact_ratios(
    rates: np.ndarray,
    counts: np.ndarray,
    shares: np.ndarray,
    labels: Sequence[str],
    *,
    exclusion_share: float,
    reference: str | None,
    rate_name: str,
) -> ImpactRatios:
    """Compute LL144 impact ratios: ``rates / rates[reference]`` for groups not excluded.

    The default reference is the highest rate among groups not excluded (ties: the larger group,
    then the first label); ``reference`` names one instead.
    """
    excluded = shares < exclusion_share
    ratios = np.full(len(rates), np.nan)
    reasons: list[str | None] = [None] * len(rates)
    for g in np.flatnonzero(excluded):
        reasons[g] = (
            f"excluded from impact ratios: {shares[g]:.1%} of the rows, under the "
            f"{exclusion_share * 100:g}% exclusion share"
        )
    rule = "named" if reference is not None and reference in labels else "highest_rate"
    if rule == "named":
        ref: int | None = list(labels).index(reference)  # type: ignore[arg-type]
    else:
        eligible = np.flatnonzero(~excluded)
        ref = (
            int(min(eligible, key=lambda g: (-rates[g], -counts[g], labels[int(g)])))
            if len(eligible)
            else None
        )
    if ref is None:
        why = (
            "every group is under the exclusion share"
            if len(rates)
            else "there is no group with a known value"
        )
        return ImpactRatios(None, rule, excluded, ratios, [r or why for r in reasons], None, why)
    if rates[ref] == 0:
        why = f"the reference group '{labels[ref]}' has a {rate_name} of 0"
        return ImpactRatios(ref, rule, excluded, ratios, [r or why for r in reasons], None, why)
    included = ~excluded
    included[ref] = True
    ratios[included] = rates[included] / rates[ref]
    return ImpactRatios(ref, rule, excluded, ratios, reasons, float(ratios[included].min()), None)
