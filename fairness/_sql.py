"""The SQL that reduces a table of predictions to the count table the engine reads (``counts=``).

``count_sql(mapping, table)`` returns standard (ANSI) SQL::

    SELECT "sex", "race", "label", "decision", COUNT(*) AS "row_count"
    FROM "predictions"
    GROUP BY "sex", "race", "label", "decision"

one line per distinct cell (with a score, per distinct score value too), which the warehouse
computes where the data lives; only the counts travel. Export the result as CSV (or Parquet) and
read it with ``counts="row_count"`` and the same mapping: every figure equals that of the rows.
NULLs form their own group in ``GROUP BY`` and export as empty values, which the engine reads as
missing, as it would in the rows.

Dialects (``dialect=``): identifiers are quoted with double quotes in ANSI, PostgreSQL, DuckDB
and Snowflake, and with backticks in Spark SQL (where a double-quoted name is a string unless ANSI
mode is on) and BigQuery (where ``table`` may be ``project.dataset.table``, quoted as one path).
PostgreSQL and Snowflake fold unquoted names (to lower and upper case): the names are quoted so
that the mapping's spelling is kept. ``COUNT(*)`` is BIGINT (INT64 in BigQuery) everywhere.
"""

from __future__ import annotations

from ._mapping import ColumnMapping

DIALECTS: tuple[str, ...] = ("ansi", "postgresql", "duckdb", "snowflake", "spark", "bigquery")
DEFAULT_COUNTS_COLUMN = "row_count"
_BACKTICK = frozenset({"spark", "bigquery"})
UNKNOWN_DIALECT = "Unknown SQL dialect '{dialect}'; use one of {dialects}."


def quote_identifier(name: str, dialect: str = "ansi") -> str:
    """Quote one identifier (column or table name) for ``dialect``."""
    if dialect in _BACKTICK:
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


def _table_name(table: str, dialect: str) -> str:
    if dialect == "bigquery":
        return quote_identifier(table, dialect)
    return ".".join(quote_identifier(part, dialect) for part in table.split("."))


def count_columns(mapping: ColumnMapping) -> list[str]:
    """The columns the count table is grouped by: sensitive, then y_true, y_pred, score."""
    columns = [*mapping.sensitive, mapping.y_true, mapping.y_pred, mapping.score]
    return list(dict.fromkeys(c for c in columns if c))


def count_sql(
    mapping: ColumnMapping,
    table: str = "predictions",
    *,
    counts_column: str = DEFAULT_COUNTS_COLUMN,
    dialect: str = "ansi",
) -> str:
    """Return the ``GROUP BY`` query whose result the engine reads as a count table.

    Parameters
    ----------
    mapping : ColumnMapping
        The columns' roles (its ``counts`` and ``id`` are not used).
    table : str
        The table (or view) holding one row per prediction; a dotted name is a schema path.
    counts_column : str
        The name of the count column in the result; pass it as the mapping's ``counts``.
    dialect : {"ansi", "postgresql", "duckdb", "snowflake", "spark", "bigquery"}
    """
    if dialect not in DIALECTS:
        raise ValueError(UNKNOWN_DIALECT.format(dialect=dialect, dialects=", ".join(DIALECTS)))
    mapping.validate()
    columns = ", ".join(quote_identifier(c, dialect) for c in count_columns(mapping))
    # Printed for the team to run in its warehouse, never executed here; identifiers are quoted.
    return (
        f"SELECT {columns}, COUNT(*) AS {quote_identifier(counts_column, dialect)}\n"  # nosec B608
        f"FROM {_table_name(table, dialect)}\n"
        f"GROUP BY {columns}"
    )
