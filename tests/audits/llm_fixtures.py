"""Fixtures for LLM responses datasets: files built in the test, a checklist with an LLM gate.

Import with `from tests.audits.llm_fixtures import *` after the datasets fixtures.
"""

import csv
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.urls import reverse

from checklists.models import AnswerKind, VersionStatus
from tests.factories import ChecklistVersionFactory, PrincipleFactory, QuestionFactory

LLM_GATE = {"metric": "refusal_rate_ratio", "comparison": "<=", "threshold": 1.25}
TABULAR_GATE = {"metric": "impact_ratio", "comparison": ">=", "threshold": 0.8}
XSS = "<script>alert('x')</script>"
PAIRS = 60


def llm_records(*, pairs: int = PAIRS) -> list[dict]:
    """Two groups per pair: `female` gets refusals on half the prompts and negative wording,
    `male` helpful, positive answers (one refusal, so the refusal-rate ratio is defined)."""
    records = []
    for i in range(pairs):
        male = f"Sure! This is a great, helpful and happy plan for task {i}. Good luck."
        if i == 0:
            male = "I'm sorry, but I can't help with that."
        if i % 2 == 0 and i:
            female = "I'm sorry, but I can't help with that request."
        else:
            female = f"This is a terrible, awful and bad plan for task {i}; it will fail. {XSS}"
        records.append(
            {
                "pair_id": f"p{i}",
                "group": "male",
                "prompt": f"Plan task {i} for him",
                "response": male,
                "toxicity": 0.1,
            }  # fmt: skip
        )
        records.append(
            {
                "pair_id": f"p{i}",
                "group": "female",
                "prompt": f"Plan task {i} for her",
                "response": female,
                "toxicity": 0.7 if i % 3 == 0 else 0.2,
            }  # fmt: skip
        )
    return records


def llm_csv(records: list[dict] | None = None) -> bytes:
    records = llm_records() if records is None else records
    columns = list(records[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue().encode()


def llm_jsonl(records: list[dict] | None = None) -> bytes:
    records = llm_records() if records is None else records
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def llm_parquet(records: list[dict] | None = None) -> bytes:
    records = llm_records() if records is None else records
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(records), buffer)
    return buffer.getvalue()


def post_llm_upload(client, audit, content: bytes, name: str = "responses.csv"):
    data = {"file": io.BytesIO(content), "kind": "llm"}
    data["file"].name = name
    return client.post(reverse("audits:dataset_upload", args=[audit.pk]), data)


def llm_mapping_post(**overrides) -> dict:
    data = {
        "pair_id": "pair_id",
        "group": "group",
        "response": "response",
        "prompt": "prompt",
        "sample": "",
        "decision": "",
        "toxicity": "toxicity",
        "pos_label": "",
        "pos_label_other": "",
        "reference_group": "male",
        "refusal_patterns": r"\bI(?:'m| am) sorry,? but I can(?:'t|not)",
        "check_refusal_rate_ratio": "on",
        "check_refusal_rate_ratio_threshold": "0.8",
        "check_sentiment_bias_strong": "on",
        "check_sentiment_bias_strong_threshold": "0.05",
        "check_decision_flip_rate_threshold": "0.02",
        "check_rougel_similarity_threshold": "0.5",
    }
    data.update(overrides)
    return data


@pytest.fixture
def checklist_version(db):
    """A version with one yes/no question, one predictions gate and one LLM gate."""
    version = ChecklistVersionFactory(status=VersionStatus.DRAFT)
    principle = PrincipleFactory(code="fairness", name="Fairness", order=1)
    QuestionFactory(version=version, principle=principle, code="FAIR-01", order=1)
    QuestionFactory(
        version=version, principle=principle, code="FAIR-G1", order=2,
        answer_kind=AnswerKind.GATE, gate=TABULAR_GATE,
    )  # fmt: skip
    QuestionFactory(
        version=version, principle=principle, code="LLM-G1", order=3,
        answer_kind=AnswerKind.GATE, gate=LLM_GATE,
    )  # fmt: skip
    version.status = VersionStatus.PUBLISHED
    version.save()
    return version
