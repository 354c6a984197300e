"""Input formats: delimiters, encodings, gzip, label spellings, streams, missing values, blocks."""

from __future__ import annotations

import hashlib
import io
import threading

import numpy as np
import pytest

from fairness import ColumnMapping, DatasetError, _reader, _source, assess

from .conftest import ADULT, DATA, csv_bytes

SMALL = DATA / "fairness_small.csv"
MAPPING = ColumnMapping(y_true="label", y_pred="decision", sensitive=["sex", "race"])


def numbers(report) -> list:
    """Every per-group metric and disparity of a report, to compare two reports."""
    out = []
    for grouping in report.to_dict()["groupings"]:
        out.append(sorted(grouping["disparities"].items()))
        out += [(g["label"], sorted(g["metrics"].items())) for g in grouping["groups"]]
    return out


@pytest.fixture(scope="module")
def reference():
    return numbers(assess(SMALL, MAPPING, bootstrap_draws=0))


@pytest.mark.parametrize(("delimiter", "name"), [(",", "comma"), (";", "semicolon"), ("\t", "tab")])
def test_any_delimiter_gives_the_same_numbers(write, reference, delimiter, name):
    data = SMALL.read_bytes().replace(b",", delimiter.encode())
    report = assess(write("d.csv", data), MAPPING, bootstrap_draws=0)
    assert report.to_dict()["input"]["delimiter"] == name
    assert numbers(report) == reference


def test_byte_order_mark_and_crlf_line_ends_are_understood(write, reference):
    data = b"\xef\xbb\xbf" + SMALL.read_bytes().replace(b"\n", b"\r\n")
    report = assess(write("bom.csv", data), MAPPING, bootstrap_draws=0)
    assert report.to_dict()["input"]["encoding"] == "UTF-8 with BOM"
    assert numbers(report) == reference


def test_gzip_file_gives_the_same_numbers_and_the_hash_of_the_compressed_bytes(write, reference):
    path = write("small.csv.gz", SMALL.read_bytes())
    document = assess(path, MAPPING, bootstrap_draws=0).to_dict()
    assert document["input"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert document["input"]["compressed"] is True
    assert numbers(assess(path, MAPPING, bootstrap_draws=0)) == reference


def test_a_binary_file_object_is_read_from_its_current_position(reference):
    stream = io.BytesIO(b"junk that is skipped\n" + SMALL.read_bytes())
    stream.seek(len(b"junk that is skipped\n"))
    report = assess(stream, MAPPING, bootstrap_draws=0)
    assert numbers(report) == reference
    assert report.to_dict()["input"]["sha256"] == hashlib.sha256(SMALL.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("positive", "negative", "pos_label"),
    [
        ("1", "0", None),
        ("true", "false", None),
        ("Yes", "No", None),
        ("1.0", "0.0", None),
        ("hired", "rejected", "hired"),
        ("Hired", "rejected", "hired"),
        ("0", "1", "0"),
    ],
)
def test_label_spellings_give_the_same_numbers(write, reference, positive, negative, pos_label):
    lines = SMALL.read_text().splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        *head, label, decision = line.split(",")
        swap = {"1": positive, "0": negative}
        if pos_label == "0":  # "0" is the favourable outcome: swap the meaning of the digits
            swap = {"1": "0", "0": "1"}
        out.append(",".join([*head, swap[label], swap[decision]]))
    mapping = ColumnMapping(**{**MAPPING.to_dict(), "pos_label": pos_label})
    report = assess(write("l.csv", ("\n".join(out) + "\n").encode()), mapping, bootstrap_draws=0)
    assert numbers(report) == reference


def test_labels_and_decisions_may_use_different_spellings(write, reference):
    lines = SMALL.read_text().splitlines()
    out = [lines[0]] + [
        ",".join(
            [*line.split(",")[:3], {"1": "yes", "0": "no"}[line.split(",")[3]], line.split(",")[4]]
        )
        for line in lines[1:]
    ]
    report = assess(write("l.csv", ("\n".join(out) + "\n").encode()), MAPPING, bootstrap_draws=0)
    assert numbers(report) == reference
    assert report.to_dict()["input"]["labels"]["y_true"] == {
        "positive": ["yes"],
        "negative": ["no"],
    }


def test_spaces_around_values_and_names_are_ignored(write, reference):
    data = SMALL.read_bytes().replace(b",", b" , ")
    assert numbers(assess(write("s.csv", data), MAPPING, bootstrap_draws=0)) == reference


def test_na_and_empty_sensitive_values_form_the_unknown_group(write):
    rows = [["F", 1, 1], ["NA", 0, 1], ["", 1, 0], [" ", 0, 0], ["M", 1, 1]]
    report = assess(
        write("u.csv", csv_bytes(["sex", "label", "decision"], rows)),
        ColumnMapping(y_true="label", y_pred="decision", sensitive=["sex"]),
        bootstrap_draws=0,
    )
    assert report.grouping("sex")["unknown_count"] == 3


def test_rows_without_a_label_are_dropped_counted_and_warned_about(write):
    rows = [["F", 1, 1], ["M", "", 1], ["M", 0, 0], ["F", "NaN", 0]]
    report = assess(
        write("m.csv", csv_bytes(["sex", "label", "decision"], rows)),
        ColumnMapping(y_true="label", y_pred="decision", sensitive=["sex"]),
        bootstrap_draws=0,
    )
    source = report.to_dict()["input"]
    assert (source["rows"], source["rows_used"], source["missing"]) == (
        4,
        2,
        {"y_true": 2, "y_pred": 0},
    )
    assert (
        "2 row(s) have no value in column 'label' (y_true) and are left out (2 of 4 rows are used)."
        in report.warnings
    )


def test_quoted_line_breaks_in_an_unmapped_column_are_fine(write, reference):
    lines = SMALL.read_text().splitlines()
    out = [lines[0] + ",note"] + [line + ',"two\nlines, with a comma"' for line in lines[1:]]
    report = assess(write("q.csv", ("\n".join(out) + "\n").encode()), MAPPING, bootstrap_draws=0)
    assert numbers(report) == reference


def test_without_y_true_only_selection_metrics_are_computed(write):
    mapping = ColumnMapping(y_true=None, y_pred="decision", sensitive=["sex"])
    document = assess(SMALL, mapping, bootstrap_draws=0).to_dict()
    assert document["mode"] == "selection_only"
    assert document["metrics"] == ["count", "selection_rate"]
    assert set(document["groupings"][0]["disparities"]) == {
        "demographic_parity_difference",
        "demographic_parity_ratio",
        "selection_rate_difference",
        "selection_rate_ratio",
    }
    assert document["warnings"][0].startswith("No y_true column is mapped (selection-only mode)")


def test_without_y_pred_the_decision_is_the_score_against_the_threshold(write):
    rows = [["F", 1, "0.9"], ["F", 0, "0.4"], ["M", 1, "0.6"], ["M", 0, "0.2"]]
    path = write("s.csv", csv_bytes(["sex", "label", "score"], rows))
    mapping = ColumnMapping(y_true="label", y_pred=None, score="score", sensitive=["sex"])
    low = assess(path, mapping, bootstrap_draws=0, threshold=0.5).grouping("sex")["groups"]
    high = assess(path, mapping, bootstrap_draws=0, threshold=0.7).grouping("sex")["groups"]
    assert [g["metrics"]["selection_rate"] for g in low] == [0.5, 0.5]
    assert [g["metrics"]["selection_rate"] for g in high] == [0.5, 0.0]


def test_progress_is_reported_on_the_calling_thread_up_to_the_size_of_the_file(monkeypatch):
    # A web app's callback writes to its database, whose connections belong to one thread.
    monkeypatch.setattr(_reader, "BLOCK_SIZE", 64 << 10)
    monkeypatch.setattr(_source, "RAW_CHUNK", 64 << 10)
    calls = []

    def progress(done, total):
        calls.append((done, total, threading.get_ident()))

    mapping = ColumnMapping(
        y_true="income_over_50k", y_pred="predicted_over_50k", sensitive=["sex"]
    )
    assess(ADULT, mapping, bootstrap_draws=0, progress=progress)
    size = ADULT.stat().st_size
    assert calls[-1][:2] == (size, size)
    assert len(calls) > 1
    assert [done for done, _, _ in calls] == sorted({done for done, _, _ in calls})
    assert {(total, thread) for _, total, thread in calls} == {(size, threading.get_ident())}


def test_many_small_blocks_give_the_same_report_as_one_block(monkeypatch):
    mapping = ColumnMapping(
        y_true="income_over_50k",
        y_pred="predicted_over_50k",
        score="score",
        sensitive=["sex", "race"],
    )
    whole = assess(ADULT, mapping, bootstrap_draws=0).to_dict()
    monkeypatch.setattr(_reader, "BLOCK_SIZE", 16 << 10)
    monkeypatch.setattr(_reader, "COMPACT_CELLS", 500)
    blocks = assess(ADULT, mapping, bootstrap_draws=0).to_dict()
    assert blocks == whole


def test_a_value_first_seen_in_a_late_block_is_coded_and_located(write, monkeypatch):
    # Blocks of 1 KB: the reader has cached the combinations of the first blocks (F/M x 0/1 x
    # 0/1) when 'maybe' arrives on line 3002 (header on line 1, 3,000 rows before it), so the
    # new combination must still reach the dictionaries, get a code, and keep its line.
    monkeypatch.setattr(_reader, "BLOCK_SIZE", 1 << 10)
    rows = [["FM"[i % 2], i % 2, (i // 2) % 2] for i in range(3000)]
    rows += [["F", "maybe", 1]] + [["M", 1, 0]] * 10
    mapping = ColumnMapping(y_true="label", y_pred="decision", sensitive=["sex"])
    with pytest.raises(DatasetError) as caught:
        assess(write("late.csv", csv_bytes(["sex", "label", "decision"], rows)), mapping)
    assert caught.value.code == "bad_label_values"
    assert "'maybe' (1 row, first on line 3002)" in str(caught.value)


def test_a_literal_unknown_value_joins_the_unknown_group(write):
    rows = [["F", 1, 1], ["Unknown", 0, 1], ["", 1, 0], ["M", 1, 1]]
    report = assess(
        write("u.csv", csv_bytes(["sex", "label", "decision"], rows)),
        ColumnMapping(y_true="label", y_pred="decision", sensitive=["sex"]),
        bootstrap_draws=0,
    )
    labels = [g["label"] for g in report.grouping("sex")["groups"]]
    assert labels == ["F", "M", "Unknown"]
    assert report.grouping("sex")["unknown_count"] == 2


def test_a_text_mode_file_object_is_refused_with_a_clear_message():
    with pytest.raises(TypeError, match=r"opened in binary mode \('rb'\)"):
        assess(io.StringIO(SMALL.read_text()), MAPPING)


def test_an_error_while_counting_leaves_no_reading_thread_behind(write, monkeypatch):
    monkeypatch.setattr(_reader, "BLOCK_SIZE", 4 << 10)
    rows = [[f"id{i // 50}", 1, 0] for i in range(20_000)]  # new groups keep appearing
    path = write("many.csv", csv_bytes(["sex", "label", "decision"], rows))
    mapping = ColumnMapping(y_true="label", y_pred="decision", sensitive=["sex"])
    with pytest.raises(DatasetError) as caught:
        assess(path, mapping, max_groups=100)
    assert caught.value.code == "too_many_groups"
    assert not [t for t in threading.enumerate() if t.name == "fairness-csv-reader"]


def test_values_holding_the_join_separator_are_coded_column_by_column(write):
    rows = [["a\x1fb", "x", 1, 1], ["a\x1fb", "y", 0, 1], ["c", "x", 1, 0], ["c", "y", 0, 0]]
    header = ["g", "h", "label", "decision"]
    mapping = ColumnMapping(y_true="label", y_pred="decision", sensitive=["g", "h"])
    odd = assess(write("odd.csv", csv_bytes(header, rows)), mapping, bootstrap_draws=0)
    plain_rows = [[r[0].replace("\x1f", "-"), *r[1:]] for r in rows]
    plain = assess(write("plain.csv", csv_bytes(header, plain_rows)), mapping, bootstrap_draws=0)
    assert [g["label"] for g in odd.grouping("g")["groups"]] == ["a\x1fb", "c"]
    assert [[g["metrics"] for g in grouping["groups"]] for grouping in odd.groupings] == [
        [g["metrics"] for g in grouping["groups"]] for grouping in plain.groupings
    ]


@pytest.mark.parametrize("dims", [[3, 4], [5000, 5000], [2**40, 2**40]])
def test_combinations_number_every_distinct_row(dims):
    rng = np.random.default_rng(0)
    indices = [rng.integers(0, min(d, 50), size=1000) for d in dims]
    combos, key = _reader._combinations(indices, dims)
    rebuilt = [c[key] for c in combos]
    assert all((r == i).all() for r, i in zip(rebuilt, indices, strict=True))
