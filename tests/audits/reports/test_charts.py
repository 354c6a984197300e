"""The SVG charts of a grouping's rates: labels as text, escaped, deterministic."""

import re

from audits.reports.charts import grouping_charts, grouping_rate_chart
from tests.audits.dataset_fixtures import *  # noqa: F403  (the datasets fixtures apply here)


def _grouping(*labels_and_rates, reference="M"):
    groups = [
        {
            "key": {"sex": label},
            "label": label,
            "count": 100,
            "share": 0.5,
            "excluded": excluded,
            "metrics": {
                "selection_rate": rate,
                "true_positive_rate": rate,
                "false_positive_rate": None,
            },
            "intervals": {"selection_rate": [max(rate - 0.05, 0), min(rate + 0.05, 1)]},
            "impact_ratio": None,
            "warnings": [],
        }
        for label, rate, excluded in labels_and_rates
    ]
    return {"name": "sex", "columns": ["sex"], "groups": groups, "reference_group": reference}


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_chart_shows_group_labels_title_and_reference_lines_as_text():
    svg = grouping_rate_chart(
        _grouping(("M", 0.5, False), ("F", 0.2, False)), "selection_rate", reference=0.5
    )
    texts = _texts(svg)
    assert svg.startswith("<svg")
    assert "M (reference)" in texts
    assert "F" in texts
    assert "Selection rate by sex" in texts
    assert "four-fifths screen (0.400)" in texts
    assert "reference group rate (0.500)" in texts


def test_chart_is_byte_identical_for_the_same_data():
    grouping = _grouping(("M", 0.5, False), ("F", 0.2, False), ("Other", 0.3, True))
    first = grouping_rate_chart(grouping, "selection_rate", reference=0.5)
    second = grouping_rate_chart(grouping, "selection_rate", reference=0.5)
    assert first == second


def test_chart_escapes_group_labels_from_user_data():
    grouping = _grouping(("M", 0.5, False), ("<script>alert(1)</script>", 0.2, False))
    svg = grouping_rate_chart(grouping, "selection_rate", reference=0.5)
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_chart_does_not_parse_dollar_signs_as_math():
    svg = grouping_rate_chart(
        _grouping(("M", 0.5, False), ("$x^2$ \\", 0.2, False)), "selection_rate", reference=None
    )
    assert "$x^2$ \\" in _texts(svg)


def test_excluded_groups_are_labelled():
    svg = grouping_rate_chart(
        _grouping(("M", 0.5, False), ("Tiny", 0.1, True)), "selection_rate", reference=0.5
    )
    assert "Tiny (excluded)" in _texts(svg)


def test_metric_without_any_value_gives_no_chart():
    assert (
        grouping_rate_chart(_grouping(("M", 0.5, False)), "false_positive_rate", reference=None)
        == ""
    )


def test_grouping_charts_uses_the_reference_groups_rate_and_skips_empty_metrics():
    charts = grouping_charts(_grouping(("M", 0.5, False), ("F", 0.2, False)))
    assert [c["metric"] for c in charts] == ["selection_rate", "true_positive_rate"]
    assert "reference group rate (0.500)" in _texts(charts[0]["svg"])


def _ids(svg: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', svg))


def test_two_charts_inlined_in_one_page_share_no_element_id():
    # Same groups, same layout: with one salt for every chart their clip paths got the same ids.
    selection, tpr = grouping_charts(_grouping(("M", 0.5, False), ("F", 0.2, False)))

    assert _ids(selection["svg"]) and _ids(tpr["svg"])
    assert not _ids(selection["svg"]) & _ids(tpr["svg"])


def test_value_labels_sit_past_the_end_of_their_whisker():
    grouping = _grouping(("M", 0.5, False), ("F", 0.95, False))  # F's whisker ends at 1.0
    svg = grouping_rate_chart(grouping, "selection_rate", reference=0.5)

    caps = re.findall(
        r'<use xlink:href="#[^"]+" x="([0-9.]+)" y="([0-9.]+)" style="[^"]*#222222', svg
    )
    for value in ("0.500", "0.950"):
        label_x, label_y = re.search(
            rf'x="([0-9.]+)" y="([0-9.]+)"[^>]*>{value}</text>', svg
        ).groups()
        row_caps = [float(x) for x, y in caps if abs(float(y) - float(label_y)) < 5]
        assert row_caps and float(label_x) > max(row_caps), value
    assert "<text" in svg and "0.950" in _texts(svg)  # inside the chart, not clipped at 1.0


def test_a_grouping_of_forty_groups_gives_a_chart_that_fits_a_page():
    grouping = _grouping(*[(f"Group {i}", i / 50, False) for i in range(40)], reference="Group 1")
    svg = grouping_rate_chart(grouping, "selection_rate", reference=0.02)

    width, height = map(float, re.search(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"', svg).groups())
    assert height / 72 <= 1.6 + 0.22 * 40 + 0.01  # inches: 0.22 in a row, not 0.38
    # Printed 140 mm wide it is under 235 mm tall; the stylesheet caps it at 215 mm.
    assert 140 * height / width < 235
    labels = [text.removesuffix(" (reference)") for text in _texts(svg)]
    assert all(f"Group {i}" in labels for i in range(40))
