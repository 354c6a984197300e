"""Version 2 inputs: Parquet, count tables (and the SQL that makes them), a separate attributes file."""

from __future__ import annotations

import dataclasses
import os

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from fairness import ColumnMapping, DatasetError, assess, count_sql, preview
from fairness._errors import ERROR_MESSAGES

FILE_KEYS = ("sha256", "filename", "size_bytes", "format", "encoding", "compressed", "delimiter")
MAPPING = ColumnMapping(y_true="y", y_pred="p", score="s", sensitive=["sex", "race"])


def _table(n: int = 2000, seed: int = 3) -> pa.Table:
    rng = np.random.default_rng(seed)
    return pa.table(
        {
            "id": np.arange(n),
            "sex": rng.choice(["F", "M", "X", ""], n, p=[0.45, 0.45, 0.05, 0.05]),
            "race": rng.choice(["b", "a", "c"], n),
            "y": rng.integers(0, 2, n),
            "p": rng.integers(0, 2, n),
            "s": rng.random(n).round(2),
        }
    )


def _strip(document: dict, *extra: str) -> dict:
    for key in (*FILE_KEYS, *extra):
        document["input"].pop(key, None)
    return document


def test_parquet_equals_the_same_table_as_csv(tmp_path):
    table = _table()
    pq.write_table(table, tmp_path / "t.parquet", row_group_size=300)
    pcsv.write_csv(table, tmp_path / "t.csv")
    parquet = assess(tmp_path / "t.parquet", MAPPING, bootstrap_draws=200).to_dict()
    text = assess(tmp_path / "t.csv", MAPPING, bootstrap_draws=200).to_dict()
    assert parquet["input"]["format"] == "parquet" and text["input"]["format"] == "csv"
    assert _strip(parquet) == _strip(text)


def test_parquet_is_detected_by_content_and_previewed(tmp_path):
    pq.write_table(_table(50), tmp_path / "upload.bin")
    shown = preview(tmp_path / "upload.bin", rows=3)
    assert shown.columns == ["id", "sex", "race", "y", "p", "s"]
    assert shown.rows[0][0] == "0" and len(shown.rows) == 3
    assert shown.delimiter_name == "parquet"
    with open(tmp_path / "upload.bin", "rb") as handle:
        report = assess(handle, MAPPING, bootstrap_draws=0)
    assert report.to_dict()["input"]["rows"] == 50


def test_a_count_table_equals_its_expanded_rows_intervals_included(tmp_path):
    rng = np.random.default_rng(5)
    cells = [(s, r, y, p, n) for s in "FM" for r in "ab" for y in "01" for p in "01"
             for n in [int(rng.integers(0, 40))]]  # fmt: skip
    order = rng.permutation(len(cells))
    counts = tmp_path / "counts.csv"
    counts.write_text(
        "sex,race,y,p,n\n" + "".join(",".join(map(str, cells[i])) + "\n" for i in order)
    )
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "sex,race,y,p\n"
        + "".join(f"{s},{r},{y},{p}\n" for s, r, y, p, n in cells for _ in range(n))
    )
    mapping = ColumnMapping(y_true="y", y_pred="p", sensitive=["sex", "race"])
    from_counts = assess(counts, dataclasses.replace(mapping, counts="n"), bootstrap_draws=300)
    from_rows = assess(rows, mapping, bootstrap_draws=300)
    document = from_counts.to_dict()
    assert document["input"]["rows"] == sum(c[4] for c in cells)
    assert document["input"]["cells"] == len(cells)
    assert _strip(document, "cells", "counts_column") == _strip(from_rows.to_dict())


@pytest.mark.parametrize("value", ["-1", "2.5", "", "many"])
def test_a_bad_count_names_its_line(tmp_path, value):
    path = tmp_path / "c.csv"
    path.write_text(f"sex,p,n\nF,1,3\nM,0,{value}\n")
    with pytest.raises(DatasetError) as caught:
        assess(path, ColumnMapping(y_pred="p", sensitive=["sex"], counts="n"))
    assert caught.value.code == "bad_count"
    assert caught.value.line == 3
    assert str(caught.value) == ERROR_MESSAGES["bad_count"].format(line=3, column="n", value=value)


def _via_sql(run_sql, tmp_path, dialect: str) -> None:
    table = _table(1500)
    raw = tmp_path / "raw.csv"
    pcsv.write_csv(table, raw)
    sql = count_sql(MAPPING, "predictions", dialect=dialect)
    result = run_sql(table, sql)
    counts = tmp_path / "counts.csv"
    pcsv.write_csv(result, counts)
    from_sql = assess(counts, dataclasses.replace(MAPPING, counts="row_count"), bootstrap_draws=200)
    from_rows = assess(raw, MAPPING, bootstrap_draws=200)
    assert _strip(from_sql.to_dict(), "cells", "counts_column") == _strip(from_rows.to_dict())


def test_the_printed_sql_runs_on_duckdb_and_gives_the_report_of_the_rows(tmp_path):
    duckdb = pytest.importorskip("duckdb")

    def run(table: pa.Table, sql: str) -> pa.Table:
        connection = duckdb.connect()
        text = table.set_column(0, "id", table.column("id").cast(pa.string()))
        text = pa.table({name: text.column(name).cast(pa.string()) for name in text.column_names})
        text = text.set_column(
            1, "sex", pa.array([v or None for v in text.column("sex").to_pylist()])
        )
        connection.register("source", text)
        connection.execute("CREATE TABLE predictions AS SELECT * FROM source")
        return connection.sql(sql).to_arrow_table()

    _via_sql(run, tmp_path, "duckdb")


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="needs DATABASE_URL pointing at PostgreSQL",
)
def test_the_printed_sql_runs_on_postgresql_and_gives_the_report_of_the_rows(tmp_path):
    psycopg = pytest.importorskip("psycopg")

    def run(table: pa.Table, sql: str) -> pa.Table:
        columns = table.column_names
        rows = [
            [None if v == "" else str(v) for v in row]
            for row in zip(*(table.column(c).to_pylist() for c in columns), strict=True)
        ]
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
            connection.execute('DROP TABLE IF EXISTS "predictions"')
            connection.execute(
                'CREATE TEMPORARY TABLE "predictions" ('
                + ", ".join(f'"{c}" text' for c in columns)
                + ")"
            )
            with connection.cursor() as cursor:
                with cursor.copy('COPY "predictions" FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                cursor.execute(sql)
                names = [d.name for d in cursor.description]
                fetched = cursor.fetchall()
        return pa.table({n: [r[i] for r in fetched] for i, n in enumerate(names)})

    _via_sql(run, tmp_path, "postgresql")


def test_sql_dialects_quote_names():
    mapping = ColumnMapping(y_pred="decision", sensitive=["sex"], y_true="label")
    assert count_sql(mapping, "db.predictions") == (
        'SELECT "sex", "label", "decision", COUNT(*) AS "row_count"\n'
        'FROM "db"."predictions"\n'
        'GROUP BY "sex", "label", "decision"'
    )
    assert count_sql(mapping, "p.d.t", dialect="bigquery").splitlines()[1] == "FROM `p.d.t`"
    assert count_sql(mapping, dialect="spark").startswith("SELECT `sex`, `label`")


def _split(tmp_path, table: pa.Table, *, drop=(), int_ids=True, text_ids=False):
    keep = [i for i in range(table.num_rows) if i not in drop]
    predictions = table.select(["id", "y", "p", "s"]).take(keep)
    attributes = table.select(["id", "sex", "race"])
    if text_ids:
        attributes = attributes.set_column(0, "id", pc_str(attributes.column("id")))
    pq.write_table(predictions, tmp_path / "pred.parquet")
    pcsv.write_csv(
        attributes.take(np.random.default_rng(0).permutation(table.num_rows)), tmp_path / "attr.csv"
    )
    return tmp_path / "pred.parquet", tmp_path / "attr.csv", keep


def pc_str(column):
    return pa.array([f"{v:05d}" for v in column.to_pylist()])


def test_a_joined_attributes_file_equals_the_pre_joined_file(tmp_path):
    table = _table(1200)
    pred, attr, keep = _split(tmp_path, table, drop=set(range(0, 1200, 7)))
    joined = table.take(keep)
    pq.write_table(joined, tmp_path / "joined.parquet")
    mapping = dataclasses.replace(MAPPING, id="id")
    report = assess(pred, mapping, attributes=attr, bootstrap_draws=200).to_dict()
    whole = assess(tmp_path / "joined.parquet", MAPPING, bootstrap_draws=200).to_dict()
    assert report["input"]["unmatched"] == {"predictions": 0, "attributes": 1200 - len(keep)}
    assert report["input"]["join"]["types_differ"] is False
    warnings = [w for w in report["warnings"] if w not in whole["warnings"]]
    assert warnings == [
        f"{1200 - len(keep)} row(s) of the attributes file have an id with no prediction; they "
        "are counted in input.unmatched."
    ]
    for document in (report, whole):
        _strip(document, "unmatched", "join")
        document["warnings"] = [w for w in document["warnings"] if w not in warnings]
    assert report == whole


def test_unmatched_predictions_are_counted(tmp_path):
    pred = tmp_path / "pred.csv"
    pred.write_text("id,p\n1,1\n2,0\n3,1\n9,1\n,0\n")
    attr = tmp_path / "attr.csv"
    attr.write_text("id,sex\n1,F\n2,M\n3,F\n4,M\n")
    report = assess(pred, ColumnMapping(y_pred="p", sensitive=["sex"], id="id"), attributes=attr)
    document = report.to_dict()
    assert document["input"]["unmatched"] == {"predictions": 2, "attributes": 1}
    assert document["input"]["rows"] == 3
    assert document["warnings"][0].startswith("2 row(s) of the predictions file have an id")


def test_duplicate_attribute_ids_are_an_error_listing_them(tmp_path):
    pred = tmp_path / "pred.csv"
    pred.write_text("id,p\n1,1\n2,0\n")
    attr = tmp_path / "attr.csv"
    attr.write_text("id,sex\n1,F\n2,M\n2,F\n1,M\n3,F\n")
    with pytest.raises(DatasetError) as caught:
        assess(pred, ColumnMapping(y_pred="p", sensitive=["sex"], id="id"), attributes=attr)
    assert caught.value.code == "duplicate_ids"
    assert str(caught.value) == (
        "The attributes file has 2 id(s) in column 'id' on more than one row: '1 (2 rows)', "
        "'2 (2 rows)'. Each id needs exactly one row of attributes."
    )


def test_ids_of_different_types_are_matched_as_text_and_said_so(tmp_path):
    pred = tmp_path / "pred.parquet"
    pq.write_table(pa.table({"id": [1, 2, 3], "p": [1, 0, 1]}), pred)
    attr = tmp_path / "attr.csv"
    attr.write_text("id,sex\n1,F\n2,M\n003,F\n")
    report = assess(pred, ColumnMapping(y_pred="p", sensitive=["sex"], id="id"), attributes=attr)
    document = report.to_dict()
    assert document["input"]["join"]["id_types"] == {"predictions": "integer", "attributes": "text"}
    assert document["input"]["unmatched"] == {"predictions": 1, "attributes": 1}
    assert (
        "The ids are integer in the predictions file and text in the attributes file; they were "
        "matched as text (so '00123' does not match 123)."
    ) in document["warnings"]


def test_a_missing_id_column_and_no_match_are_errors(tmp_path):
    pred = tmp_path / "pred.csv"
    pred.write_text("id,p\n1,1\n")
    attr = tmp_path / "attr.csv"
    attr.write_text("key,sex\n1,F\n")
    mapping = ColumnMapping(y_pred="p", sensitive=["sex"], id="id")
    with pytest.raises(DatasetError) as caught:
        assess(pred, mapping, attributes=attr)
    assert str(caught.value) == (
        "Column 'id' (id) is not in the attributes file. Its columns are: 'key', 'sex'."
    )
    attr.write_text("id,sex\n7,F\n")
    with pytest.raises(DatasetError) as caught:
        assess(pred, mapping, attributes=attr)
    assert caught.value.code == "no_matched_rows"
    assert str(caught.value) == (
        "No id of the predictions file (column 'id') is in the attributes file, so there is "
        "nothing to measure (1 prediction rows, 1 attribute rows)."
    )


def test_parquet_typed_columns_equal_the_csv(tmp_path):
    """Nulls in integer and string columns, booleans, sorted dictionaries and row groups whose
    batch holds only some of a dictionary's values give the numbers of the same CSV."""
    rng = np.random.default_rng(5)
    n = 3000
    sex = rng.choice(["M", "F", "X"], n).astype(object)
    sex[rng.random(n) < 0.05] = None
    race = rng.choice([7, -3, 12], n).astype(object)
    race[rng.random(n) < 0.05] = None
    y = rng.random(n) < 0.4
    table = pa.table(
        {
            "sex": pa.array(sex, pa.string()).dictionary_encode(),
            "race": pa.array(race, pa.int16()),
            "y": pa.array(y),
            "p": pa.array(rng.random(n) < 0.5),
            "s": rng.random(n).round(2),
        }
    )
    pq.write_table(table, tmp_path / "t.parquet", row_group_size=700)
    pcsv.write_csv(
        table.cast(
            pa.schema([(f.name, pa.string() if f.name != "s" else f.type) for f in table.schema])
        ),
        tmp_path / "t.csv",
    )
    mapping = ColumnMapping(y_true="y", y_pred="p", sensitive=["sex", "race"], pos_label="true")
    parquet = assess(tmp_path / "t.parquet", mapping, bootstrap_draws=100).to_dict()
    text = assess(tmp_path / "t.csv", mapping, bootstrap_draws=100).to_dict()
    assert _strip(parquet) == _strip(text)
