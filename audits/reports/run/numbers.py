"""How the figures of a run are written: rates to 3 decimals, ratios to 2, undefined never as 0.

Every page, the PDF and the exports' display cells go through `cell()`, so a number reads the same
everywhere; the exact value stays next to the rounded text (a table cell's `title`).
"""

from dataclasses import dataclass

RATE_DIGITS = 3
RATIO_DIGITS = 2
UNDEFINED_TEXT = "—"


@dataclass(frozen=True)
class Cell:
    """One displayed number: the rounded `text`, the `exact` value (or why it is undefined)."""

    text: str
    exact: str
    value: float | None
    interval: str = ""  # the rounded interval, "" when there is none

    @property
    def undefined(self) -> bool:
        return self.value is None


def digits_for(metric: str) -> int:
    """Ratios (impact ratios, `*_ratio` disparities) to 2 decimals; rates and differences to 3."""
    return RATIO_DIGITS if metric.endswith("ratio") else RATE_DIGITS


def interval_text(interval: object, digits: int) -> str:
    """`0.072–0.086`, or "" when the interval is missing or has an undefined end."""
    if not (isinstance(interval, list | tuple) and len(interval) == 2) or None in interval:
        return ""
    return f"{interval[0]:.{digits}f}–{interval[1]:.{digits}f}"


def cell(
    value: float | None, digits: int, *, interval: object = None, why: str | None = None
) -> Cell:
    """A number rounded to `digits`; an undefined one (None) says so, with `why`, never 0."""
    if value is None:
        exact = f"undefined: {why}" if why else "undefined"
        return Cell(text=UNDEFINED_TEXT, exact=exact, value=None)
    return Cell(
        text=f"{value:.{digits}f}",
        exact=repr(value),
        value=value,
        interval=interval_text(interval, digits),
    )


def metric_cell(
    metric: str, value: float | None, *, interval: object = None, why: str | None = None
) -> Cell:
    """`cell()` with the digits of `metric` (a rate, ratio or difference)."""
    return cell(value, digits_for(metric), interval=interval, why=why)
