"""Engine documents of regression, multiclass, joined and count-table runs, for the presentation.

Each is `fairness.assess(...)` on a demo file (`demo_data/make_task_predictions.py`), cached as
JSON and returned as a fresh copy, so a test can change it without touching the others.
"""

import csv
import functools
import json
import tempfile
from pathlib import Path

from django.conf import settings

from fairness import ColumnMapping, assess

DEMO = Path(settings.BASE_DIR) / "demo_data"
LOANS = DEMO / "loan_amounts.csv"
TRIAGE = DEMO / "triage_classes.csv"
ADULT_COUNTS = DEMO / "adult_counts.csv"

REGRESSION_MAPPING = {
    "y_true": "approved_amount",
    "y_pred": "predicted_amount",
    "sensitive": ["sex"],
}
MULTICLASS_MAPPING = {
    "y_true": "true_priority",
    "y_pred": "predicted_priority",
    "sensitive": ["sex"],
}
COUNTS_MAPPING = {
    "y_true": "income_over_50k",
    "y_pred": "predicted_over_50k",
    "sensitive": ["sex"],
    "counts": "row_count",
}


@functools.cache
def _json(kind: str) -> str:
    if kind == "regression":
        report = assess(
            LOANS,
            ColumnMapping(**REGRESSION_MAPPING),
            task="regression",
            decision_threshold=40,
            checks=["mean_absolute_error_ratio >= 0.8"],
            bootstrap_draws=200,
        )
    elif kind == "multiclass":
        report = assess(
            TRIAGE,
            ColumnMapping(**MULTICLASS_MAPPING),
            task="multiclass",
            checks=["equal_opportunity_ratio[high] >= 0.8"],
            bootstrap_draws=200,
        )
    elif kind == "parquet":  # the loans as a Parquet file
        from pyarrow import csv as arrow_csv
        from pyarrow import parquet

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "loans.parquet"
            parquet.write_table(arrow_csv.read_csv(LOANS), path)
            report = assess(
                path, ColumnMapping(**REGRESSION_MAPPING), task="regression", bootstrap_draws=50
            )
    elif kind == "counts":
        report = assess(ADULT_COUNTS, ColumnMapping(**COUNTS_MAPPING), bootstrap_draws=200)
    else:  # "join": the loans' sex read from a separate attributes file with 25 extra people
        with tempfile.TemporaryDirectory() as folder:
            predictions, attributes = Path(folder) / "loans.csv", Path(folder) / "people.csv"
            with LOANS.open(newline="") as handle:
                rows = list(csv.DictReader(handle))
            with predictions.open("w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["applicant_id", "approved_amount", "predicted_amount"])
                # The last 10 predictions have no attributes row.
                writer.writerows(
                    [r["applicant_id"], r["approved_amount"], r["predicted_amount"]] for r in rows
                )
            with attributes.open("w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["applicant_id", "sex"])
                writer.writerows([r["applicant_id"], r["sex"]] for r in rows[:-10])
                writer.writerows([f"extra-{i}", "Female"] for i in range(25))
            report = assess(
                predictions,
                ColumnMapping(**REGRESSION_MAPPING, id="applicant_id"),
                task="regression",
                attributes=attributes,
                bootstrap_draws=100,
            )
    return json.dumps(report.to_dict())


def task_result(kind: str) -> dict:
    """`regression`, `multiclass`, `parquet`, `counts` or `join`: a fresh copy of that run's document."""
    return json.loads(_json(kind))
