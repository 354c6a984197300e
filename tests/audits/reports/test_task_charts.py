"""The regression and multiclass charts: well-formed SVG with an accessible name, bars in
proportion to the document's values, value labels clear of the whiskers, counts as text."""

import re
import xml.etree.ElementTree as ET

from audits.reports.task_charts import confusion_heatmap, error_chart, prediction_target_chart
from tests.audits.reports.task_data import task_result

SVG = "{http://www.w3.org/2000/svg}"


def _grouping(*groups):
    return {
        "name": "sex",
        "groups": [
            {
                "label": label,
                "metrics": {"mean_absolute_error": mae, "mean_target": 10.0, "mean_prediction": p},
                "intervals": {"mean_absolute_error": [mae - 0.5, mae + 0.5]} if mae else {},
            }
            for label, mae, p in groups
        ],
    }


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 (our own chart; well-formed, or this raises)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-label")
    return root


def _xs(d: str) -> list[float]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return numbers[0::2]


def _bars(root: ET.Element) -> list[float]:
    widths = []
    for path in root.iter(f"{SVG}path"):
        if "fill: #0072b2" in (path.get("style") or ""):
            xs = _xs(path.get("d", ""))
            widths.append(max(xs) - min(xs))
    return widths


def test_error_chart_bars_are_proportional_to_the_mean_absolute_error():
    root = _parse(error_chart(_grouping(("F", 4.0, 10.0), ("M", 2.0, 10.0))))
    assert root.get("aria-label") == "Mean absolute error by sex"
    wide, narrow = _bars(root)
    assert abs(wide / narrow - 2.0) < 1e-3


def test_error_chart_value_labels_sit_right_of_every_whisker():
    svg = error_chart(task_result("regression")["groupings"][0])
    root = _parse(svg)
    whisker_ends = [
        max(_xs(p.get("d", "")))
        for p in root.iter(f"{SVG}path")
        if "stroke: #222222" in (p.get("style") or "")
    ]
    assert whisker_ends
    labels = [t for t in root.iter(f"{SVG}text") if "[" in (t.text or "")]
    assert len(labels) == 2
    assert min(float(t.get("x")) for t in labels) > max(whisker_ends)


def test_error_chart_shows_the_documents_values_and_nothing_without_values():
    grouping = task_result("regression")["groupings"][0]
    svg = error_chart(grouping)
    for group in grouping["groups"]:
        assert f"{group['metrics']['mean_absolute_error']:.3f} [" in svg
    assert error_chart(_grouping(("F", None, None))) == ""


def test_prediction_target_chart_names_each_group_with_its_means():
    grouping = task_result("regression")["groupings"][0]
    root = _parse(prediction_target_chart(grouping))
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    for group in grouping["groups"]:
        m = group["metrics"]
        label = f"{group['label']}: target {m['mean_target']:.3g}, prediction {m['mean_prediction']:.3g}"
        assert label in texts
    assert "prediction = target" in texts


def test_confusion_heatmap_has_a_title_and_each_count_as_text():
    root = _parse(confusion_heatmap("<b>F</b>", ["a", "b"], [[5, 1], [2, 7]]))
    assert root.find(f"{SVG}title").text.startswith("Confusion matrix of <b>F</b>")
    counts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"5", "1", "2", "7"} <= set(counts)
    assert len(list(root.iter(f"{SVG}rect"))) == 4
    assert confusion_heatmap("F", [], []) == ""


def test_charts_are_byte_identical_for_the_same_document():
    grouping = task_result("regression")["groupings"][0]
    assert error_chart(grouping) == error_chart(grouping)
    assert prediction_target_chart(grouping) == prediction_target_chart(grouping)
