"""Write the synthetic demo files of the regression, multiclass and count-table runs.

- `loan_amounts.csv`: a regression model's predicted loan amount (`predicted_amount`) against the
  amount later approved (`approved_amount`), for 1,200 applicants with `sex` and `age_group`; the
  model's error is built larger for women (noise sd 6 against 3, in thousands), so the mean
  absolute error ratio is well under 0.8.
- `triage_classes.csv`: a multiclass triage model (`true_priority`, `predicted_priority`, each
  `low`, `medium` or `high`) for 1,200 patients with `sex`; for women a `high` case is predicted
  `medium` more often (built in), which shows in the per-class equal opportunity.
- `adult_counts.csv`: `demo_data/adult_predictions.csv` reduced to a count table (`sex`, `race`,
  `income_over_50k`, `predicted_over_50k`, `row_count`), what `--print-sql` asks a warehouse for.

    python demo_data/make_task_predictions.py            # writes the files next to this script
    python demo_data/make_task_predictions.py --check    # exits 1 if a committed file differs

Standard library only; the same seed gives the same files, byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from collections import Counter
from pathlib import Path

SEED = 20261202
HERE = Path(__file__).resolve().parent
ROWS = 1200
LEVELS = ("low", "medium", "high")


def loan_amounts(rng: random.Random) -> list[list]:
    rows: list[list] = [["applicant_id", "sex", "age_group", "approved_amount", "predicted_amount"]]
    for i in range(1, ROWS + 1):
        sex = rng.choice(("Female", "Male"))
        age = rng.choice(("<25", "25-39", "40-54", "55+"))
        approved = max(1.0, rng.gauss(40, 12))
        noise = rng.gauss(0, 6 if sex == "Female" else 3)
        rows.append([i, sex, age, f"{approved:.2f}", f"{max(0.0, approved + noise):.2f}"])
    return rows


def triage_classes(rng: random.Random) -> list[list]:
    rows: list[list] = [["patient_id", "sex", "true_priority", "predicted_priority"]]
    for i in range(1, ROWS + 1):
        sex = rng.choice(("Female", "Male"))
        true = rng.choices(LEVELS, weights=(5, 3, 2))[0]
        predicted = true
        if true == "high" and sex == "Female" and rng.random() < 0.35:
            predicted = "medium"
        elif rng.random() < 0.15:
            predicted = rng.choice(LEVELS)
        rows.append([i, sex, true, predicted])
    return rows


def adult_counts() -> list[list]:
    with (HERE / "adult_predictions.csv").open(newline="") as handle:
        reader = csv.DictReader(handle)
        cells = Counter(
            (r["sex"], r["race"], r["income_over_50k"], r["predicted_over_50k"]) for r in reader
        )
    header = ["sex", "race", "income_over_50k", "predicted_over_50k", "row_count"]
    return [header, *([*key, n] for key, n in sorted(cells.items()))]


def _text(rows: list[list]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a committed file differs")
    args = parser.parse_args()
    rng = random.Random(SEED)  # noqa: S311 (synthetic demo data, seeded on purpose)
    files = {
        "loan_amounts.csv": _text(loan_amounts(rng)),
        "triage_classes.csv": _text(triage_classes(rng)),
        "adult_counts.csv": _text(adult_counts()),
    }
    stale = [n for n, t in files.items() if not (HERE / n).exists() or (HERE / n).read_text() != t]
    if args.check:
        print("stale: " + ", ".join(stale) if stale else "up to date")
        return 1 if stale else 0
    for name, text in files.items():
        (HERE / name).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
