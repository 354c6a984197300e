"""Formats (CSV, JSON Lines, Parquet give the same document) and every bad-input code."""

from __future__ import annotations

import gzip
import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fairness import DatasetError
from fairness.text import TEXT_ERROR_CODES, ResponseMapping, assess_responses

from .conftest import HAND_ROWS, MAPPING, write_csv, write_jsonl, write_parquet

FULL = ResponseMapping(pair_id="pair_id", group="group", response="response",
                       decision="decision", pos_label="1", toxicity="toxicity")  # fmt: skip


def _run(path, mapping=MAPPING, **options):
    options.setdefault("bootstrap_draws", 100)
    return assess_responses(path, mapping, **options).to_dict()


def _strip(doc):
    doc = dict(doc)
    doc["input"] = {k: v for k, v in doc["input"].items() if k not in ("sha256", "format")}
    return doc


def test_csv_jsonl_parquet_same_document(tmp_path):
    numeric = [{**r, "toxicity": float(r["toxicity"])} for r in HAND_ROWS]
    csv_doc = _run(write_csv(tmp_path / "r.csv", HAND_ROWS), FULL)
    jsonl_doc = _run(write_jsonl(tmp_path / "r.jsonl", numeric), FULL)
    parquet_doc = _run(write_parquet(tmp_path / "r.parquet", numeric), FULL)
    gz = tmp_path / "r.jsonl.gz"
    gz.write_bytes(gzip.compress((tmp_path / "r.jsonl").read_bytes()))
    assert [d["input"]["format"] for d in (csv_doc, jsonl_doc, parquet_doc)] == [
        "csv", "jsonl", "parquet"]  # fmt: skip
    assert _strip(csv_doc) == _strip(jsonl_doc) == _strip(parquet_doc) == _strip(_run(gz, FULL))


def test_file_object_and_semicolons(tmp_path):
    data = "pair_id;group;response\n1;a;good\n1;b;bad\n"
    doc = _run(io.BytesIO(data.encode()))
    assert doc["comparisons"][0]["metrics"]["sentiment_bias_strong"] == 1.0


def _code(path, mapping=MAPPING, **options):
    with pytest.raises(DatasetError) as info:
        _run(path, mapping, **options)
    assert info.value.code in TEXT_ERROR_CODES
    return info.value


def test_missing_column(tmp_path):
    error = _code(write_csv(tmp_path / "r.csv", HAND_ROWS),
                  ResponseMapping(pair_id="pair_id", group="sex", response="response"))  # fmt: skip
    assert error.code == "missing_column" and "'sex' (group)" in error.message


def test_missing_column_jsonl_and_parquet(tmp_path):
    bad = ResponseMapping(pair_id="pair_id", group="group", response="text")
    assert _code(write_jsonl(tmp_path / "r.jsonl", HAND_ROWS), bad).code == "missing_column"
    assert _code(write_parquet(tmp_path / "r.parquet", HAND_ROWS), bad).code == "missing_column"


def test_fewer_than_two_groups(tmp_path):
    rows = [r for r in HAND_ROWS if r["group"] == "a"]
    assert _code(write_csv(tmp_path / "r.csv", rows)).code == "fewer_than_two_groups"


def test_too_many_groups(tmp_path):
    rows = [{"pair_id": "1", "group": f"g{i}", "response": "x"} for i in range(51)]
    error = _code(write_csv(tmp_path / "r.csv", rows))
    assert error.code == "too_many_groups" and "50" in error.message


def test_toxicity_not_numeric_and_out_of_range(tmp_path):
    rows = [dict(r) for r in HAND_ROWS]
    rows[2]["toxicity"] = "high"
    assert _code(write_csv(tmp_path / "a.csv", rows), FULL).code == "non_numeric_toxicity"
    rows[2]["toxicity"] = "1.5"
    error = _code(write_csv(tmp_path / "b.csv", rows), FULL)
    assert error.code == "toxicity_out_of_range" and "1.5" in error.message


def test_empty_file_and_header_only(tmp_path):
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    assert _code(empty).code == "empty_file"
    header = tmp_path / "h.csv"
    header.write_text("pair_id,group,response\n")
    assert _code(header).code == "header_only"


def test_response_not_text(tmp_path):
    table = pa.table({"pair_id": ["1", "1"], "group": ["a", "b"], "response": [1, 2]})
    pq.write_table(table, tmp_path / "n.parquet")
    error = _code(tmp_path / "n.parquet")
    assert error.code == "response_not_text" and "int64" in error.message
    rows = [{"pair_id": "1", "group": "a", "response": "1"}, {"pair_id": "1", "group": "b",
                                                              "response": "2.5"}]  # fmt: skip
    assert _code(write_csv(tmp_path / "n.csv", rows)).code == "response_not_text"
    assert _code(write_jsonl(tmp_path / "n.jsonl", [{"pair_id": 1, "group": "a", "response": 3}]
                             )).code == "response_not_text"  # fmt: skip


def test_file_too_large(tmp_path):
    path = write_csv(tmp_path / "r.csv", HAND_ROWS)
    error = _code(path, max_bytes=100)
    assert error.code == "file_too_large"


def test_no_complete_pairs_and_unknown_reference(tmp_path):
    rows = [{"pair_id": "1", "group": "a", "response": "x"}, {"pair_id": "2", "group": "b",
                                                              "response": "y"}]  # fmt: skip
    assert _code(write_csv(tmp_path / "r.csv", rows)).code == "no_complete_pairs"
    path = write_csv(tmp_path / "h.csv", HAND_ROWS)
    assert _code(path, reference_group="zz").code == "unknown_reference_group"


def test_empty_key_duplicate_sample_bad_json_labels(tmp_path):
    rows = [dict(r) for r in HAND_ROWS]
    rows[1]["group"] = ""
    error = _code(write_csv(tmp_path / "k.csv", rows))
    assert error.code == "empty_key" and "Row 2" in error.message
    rows = [{"pair_id": "1", "group": "a", "sample": "0", "response": "x"}] * 2 + [
        {"pair_id": "1", "group": "b", "sample": "0", "response": "y"}]  # fmt: skip
    mapping = ResponseMapping(
        pair_id="pair_id", group="group", response="response", sample="sample"
    )
    assert _code(write_csv(tmp_path / "s.csv", rows), mapping).code == "duplicate_sample"
    bad = tmp_path / "b.jsonl"
    bad.write_text('{"pair_id": "1", "group": "a", "response": "x"}\n{oops\n')
    error = _code(bad)
    assert error.code == "bad_json_line" and error.line == 2
    rows = [{**r, "decision": {"1": "shortlist", "0": "reject"}[r["decision"]]} for r in HAND_ROWS]
    no_label = ResponseMapping(pair_id="pair_id", group="group", response="response",
                               decision="decision")  # fmt: skip
    assert _code(write_csv(tmp_path / "d.csv", rows), no_label).code == "pos_label_required"
    wrong = ResponseMapping(pair_id="pair_id", group="group", response="response",
                            decision="decision", pos_label="yes")  # fmt: skip
    assert _code(write_csv(tmp_path / "d2.csv", rows), wrong).code == "pos_label_absent"


def test_mapping_errors(tmp_path):
    path = write_csv(tmp_path / "r.csv", HAND_ROWS)
    assert _code(path, ResponseMapping(pair_id="pair_id", group="group", response="")).code == (
        "missing_mapping")  # fmt: skip
    same = ResponseMapping(pair_id="pair_id", group="group", response="group")
    assert _code(path, same).code == "duplicate_mapping"
    assert _code(tmp_path / "nothing.csv").code == "missing_file"
