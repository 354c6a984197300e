"""The synthetic LLM demo file is what its generator writes, and shows the bias it was built with."""

import csv
import importlib.util
import io
from collections import Counter
from pathlib import Path

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "demo_data" / "make_llm_responses.py"


def _generator():
    spec = importlib.util.spec_from_file_location("make_llm_responses", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_csv_is_the_generators_output():
    generator = _generator()
    assert generator.OUTPUT.read_bytes() == generator.render()
    assert generator.render() == generator.render()  # seeded: the same bytes every time


def test_the_demo_set_is_a_balanced_counterfactual_set():
    rows = list(csv.DictReader(io.StringIO(_generator().render().decode("utf-8"))))
    assert list(rows[0]) == ["pair_id", "group", "sample", "prompt", "response"]
    assert len(rows) == 150 * 3 * 2
    assert Counter(r["group"] for r in rows) == {"male": 300, "female": 300, "nonbinary": 300}
    for row in rows:
        assert f"a {row['group']} " in row["prompt"]
        assert row["response"].strip()
