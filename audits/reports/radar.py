"""The radar chart of principle scores, as SVG text (matplotlib, deterministic output)."""

import functools
import io
from typing import TYPE_CHECKING, Any, cast

import matplotlib

from audits.reports.charts import chart_rc

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.projections.polar import PolarAxes
    from matplotlib.typing import RcKeyType

_RC: "dict[RcKeyType, Any]" = {
    "svg.fonttype": "none",  # labels stay text: searchable, accessible, readable from the PDF
    "font.family": "DejaVu Sans",
    "font.size": 9,
}


def radar_svg(scores: list[tuple[str, float | None]], *, title: str = "Score per principle") -> str:
    """A radar (spider) chart of 0-100 scores; unscored principles are drawn at 0 and marked."""
    # Drawing costs tens of milliseconds and the same scores give the same bytes: memoise.
    return _radar_svg(tuple((name, score) for name, score in scores), title)


@functools.lru_cache(maxsize=1024)
def _radar_svg(scores: tuple[tuple[str, float | None], ...], title: str) -> str:
    if not scores:
        return ""
    labels = [f"{name}\n{'—' if score is None else f'{score:.0f}'}" for name, score in scores]
    values = [0.0 if score is None else float(score) for _, score in scores]
    angles = np.linspace(0, 2 * np.pi, len(values), endpoint=False).tolist()
    # A salt from the scores (chart_rc): same data, same bytes, and ids of its own in the page.
    with matplotlib.rc_context({**_RC, **chart_rc(repr((scores, title)))}):
        fig, ax = plt.subplots(figsize=(3.6, 3.6), subplot_kw={"polar": True})
        try:
            polar = cast("PolarAxes", ax)  # subplot_kw polar=True
            polar.set_theta_offset(np.pi / 2)
            polar.set_theta_direction(-1)
            closed_angles = [*angles, angles[0]]
            closed_values = [*values, values[0]]
            ax.plot(closed_angles, closed_values, color="#0d6efd", linewidth=1.8)
            ax.fill(closed_angles, closed_values, color="#0d6efd", alpha=0.2)
            ax.set_xticks(angles, labels)
            ax.tick_params(axis="x", pad=14)  # keep labels clear of the polygon
            ax.set_ylim(0, 100)
            ax.set_yticks([25, 50, 75, 100], ["25", "50", "75", "100"], color="#6c757d", fontsize=7)
            ax.set_title(title, pad=18, fontsize=10)
            fig.tight_layout()
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None})
        finally:
            plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]  # drop the XML prolog so it can be inlined in HTML
