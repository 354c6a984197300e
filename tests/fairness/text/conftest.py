from __future__ import annotations

import csv
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fairness.text import ResponseMapping

MAPPING = ResponseMapping(pair_id="pair_id", group="group", response="response")

# The hand-checked set: reference "a", group "b", three pairs (values worked out in the tests).
HAND_ROWS = [
    {"pair_id": "1", "group": "a", "response": "good", "decision": "1", "toxicity": "0.1"},
    {"pair_id": "1", "group": "b", "response": "bad", "decision": "0", "toxicity": "0.6"},
    {"pair_id": "2", "group": "a", "response": "the cat sat", "decision": "1", "toxicity": "0.2"},
    {"pair_id": "2", "group": "b", "response": "the cat ran", "decision": "1", "toxicity": "0.0"},
    {"pair_id": "3", "group": "a", "response": "", "decision": "0", "toxicity": "0.9"},
    {"pair_id": "3", "group": "b", "response": "the cat sat", "decision": "0", "toxicity": "0.3"},
]


def write_csv(path, rows, fields=None):
    fields = fields or list(rows[0])
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def write_parquet(path, rows, row_group_size=2):
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=row_group_size)
    return path


@pytest.fixture
def hand_csv(tmp_path):
    return write_csv(tmp_path / "hand.csv", HAND_ROWS)
