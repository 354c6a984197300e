"""Small files for runs of each task and input: regression, multiclass, a join, a count table.

Every file is generated here, so its figures are worked out next to it.
"""

import io

import pyarrow as pa
import pyarrow.parquet as pq


def regression_csv() -> bytes:
    """`sex,actual,predicted`: 40 rows per sex; M off by 1.5 on every row, F by 0.5.

    Mean absolute error: M 1.5, F 0.5 (the MAE ratio is 0.5 / 1.5 = 0.333).
    """
    lines = ["sex,actual,predicted"]
    for sex, error in (("M", 1.5), ("F", 0.5)):
        for i in range(40):
            actual = 10 + i
            lines.append(f"{sex},{actual},{actual + error}")
    return ("\n".join(lines) + "\n").encode()


def multiclass_csv() -> bytes:
    """`sex,true_band,predicted_band`: three bands, 30 rows per sex, every prediction right."""
    lines = ["sex,true_band,predicted_band"]
    for sex in ("M", "F"):
        for i in range(30):
            band = ("low", "medium", "high")[i % 3]
            lines.append(f"{sex},{band},{band}")
    return ("\n".join(lines) + "\n").encode()


def joined_files() -> tuple[bytes, bytes]:
    """Predictions `person,label,pred` for ids 1..60 and attributes `person,sex` for ids 1..50 and
    101..105: 10 prediction rows (51..60) and 5 attribute rows (101..105) are unmatched.
    """
    predictions = ["person,label,pred"] + [f"{i},{i % 2},{(i // 2) % 2}" for i in range(1, 61)]
    attributes = ["person,sex"] + [
        f"{i},{'M' if i % 2 else 'F'}" for i in (*range(1, 51), *range(101, 106))
    ]
    return ("\n".join(predictions) + "\n").encode(), ("\n".join(attributes) + "\n").encode()


def counts_csv(*, bad: bool = False) -> bytes:
    """A count table `sex,label,pred,row_count`: 4 cells per sex; `bad` puts "many" in a count."""
    lines = ["sex,label,pred,row_count"]
    for sex in ("M", "F"):
        for label in (0, 1):
            for pred in (0, 1):
                lines.append(f"{sex},{label},{pred},{'many' if bad and sex == 'F' else 25}")
    return ("\n".join(lines) + "\n").encode()


def csv_as_parquet(content: bytes) -> bytes:
    """The same table as Parquet, every column as text (as the CSV reader sees it)."""
    rows = [line.split(",") for line in content.decode().strip().splitlines()]
    header, body = rows[0], rows[1:]
    table = pa.table({name: [row[i] for row in body] for i, name in enumerate(header)})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, row_group_size=16)
    return buffer.getvalue()
