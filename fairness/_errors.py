"""The one exception of the engine, its stable codes and its message templates.

Every problem with the input file or the column mapping raises :class:`DatasetError`. Its ``code``
is stable (the web app and pipelines branch on it); its message is written for the person who
uploaded the file and says what is wrong and where (column, values, line) when that is known.
Templates are module constants so that tests can match messages exactly.
"""

from __future__ import annotations

from collections.abc import Iterable

MISSING_FILE = "missing_file"
UNREADABLE_FILE = "unreadable_file"
EMPTY_FILE = "empty_file"
HEADER_ONLY = "header_only"
MISSING_COLUMN = "missing_column"
DUPLICATE_COLUMN = "duplicate_column"
DUPLICATE_MAPPING = "duplicate_mapping"
NO_DECISION_COLUMN = "no_decision_column"
NO_SENSITIVE_COLUMN = "no_sensitive_column"
BAD_LABEL_VALUES = "bad_label_values"
POS_LABEL_ABSENT = "pos_label_absent"
POS_LABEL_REQUIRED = "pos_label_required"
TOO_MANY_LABEL_VALUES = "too_many_label_values"
NON_NUMERIC_SCORE = "non_numeric_score"
ALL_LABELS_MISSING = "all_labels_missing"
ALL_SCORES_MISSING = "all_scores_missing"
NO_USABLE_ROWS = "no_usable_rows"
TOO_MANY_GROUPS = "too_many_groups"
BINARY_CONTENT = "binary_content"
NOT_UTF8 = "not_utf8"
TRUNCATED_GZIP = "truncated_gzip"
CORRUPT_GZIP = "corrupt_gzip"
RAGGED_ROWS = "ragged_rows"
NUL_BYTES = "nul_bytes"
UNTERMINATED_QUOTE = "unterminated_quote"
STRAY_QUOTE = "stray_quote"
UNKNOWN_REFERENCE_GROUP = "unknown_reference_group"
UNREADABLE_CSV = "unreadable_csv"
TOO_MANY_COLUMNS = "too_many_columns"
EMPTY_COLUMN_NAME = "empty_column_name"
DUPLICATE_COLUMN_NAMES = "duplicate_column_names"
HEADER_TOO_LONG = "header_too_long"

#: Message template of every error code; the fields are filled in where the problem is found.
ERROR_MESSAGES: dict[str, str] = {
    MISSING_FILE: "No file at {path}.",
    UNREADABLE_FILE: "Cannot read {path}: {reason}.",
    EMPTY_FILE: "The file is empty: it has no header row and no data.",
    HEADER_ONLY: "The file has a header row ({columns}) but no data rows.",
    MISSING_COLUMN: "Column '{column}' ({role}) is not in the file. Its columns are: {available}.",
    DUPLICATE_COLUMN: (
        "Column '{column}' appears {count} times in the header; rename the copies so that the "
        "mapping is unambiguous."
    ),
    DUPLICATE_MAPPING: "Column '{column}' is mapped twice ({roles}); each role needs its own column.",
    NO_DECISION_COLUMN: (
        "Map a decision column (y_pred) or a score column: without one there is nothing to measure."
    ),
    NO_SENSITIVE_COLUMN: (
        "Map at least one sensitive column (for example sex or race): fairness is measured "
        "between its groups."
    ),
    BAD_LABEL_VALUES: (
        "Column '{column}' ({role}) has values that are neither the positive label {positive} nor "
        "a known negative: {values}. Recode them, or leave them empty to drop those rows."
    ),
    POS_LABEL_ABSENT: (
        "The positive label '{pos_label}' does not appear in {columns}; the values there are: "
        "{values}."
    ),
    POS_LABEL_REQUIRED: (
        "Cannot tell which value of column '{column}' ({role}) is the positive (favourable) "
        "outcome: it has {values}. Give the positive label."
    ),
    TOO_MANY_LABEL_VALUES: (
        "Column '{column}' ({role}) has more than {limit} different values, so it is not a "
        "yes/no outcome: {values}."
    ),
    NON_NUMERIC_SCORE: "Column '{column}' (score) has values that are not numbers: {values}.",
    ALL_LABELS_MISSING: (
        "Every row has an empty value in column '{column}' ({role}), so there is nothing to measure."
    ),
    ALL_SCORES_MISSING: (
        "Every row has an empty value in column '{column}' (score), so there is nothing to measure."
    ),
    NO_USABLE_ROWS: "No row has all of {columns} filled in, so there is nothing to measure.",
    TOO_MANY_GROUPS: ("Grouping '{grouping}' has more than {limit} groups ({count} seen). {hint}"),
    BINARY_CONTENT: "The file is not CSV text: {what}.",
    NOT_UTF8: (
        "Line {line} is not UTF-8 text{where}. Save the file as 'CSV UTF-8' and upload it again."
    ),
    TRUNCATED_GZIP: (
        "The gzip file is truncated: it ends before its compressed data does. Upload the "
        "complete file."
    ),
    CORRUPT_GZIP: "The gzip file is damaged and cannot be decompressed ({detail}).",
    RAGGED_ROWS: "Line {line} has {got} fields but the header has {expected}: {text}",
    NUL_BYTES: (
        "Line {line} contains a NUL byte: the file is damaged or is not plain text. Export it "
        "again as CSV."
    ),
    UNTERMINATED_QUOTE: "The quoted value that starts on line {line} is never closed{until}.",
    STRAY_QUOTE: "Line {line} has a quote character in the middle of a value: {text}",
    UNKNOWN_REFERENCE_GROUP: (
        "Reference group '{group}' is not a group of any grouping. The groups are: {groups}."
    ),
    UNREADABLE_CSV: "The file cannot be read as CSV: {detail}",
    TOO_MANY_COLUMNS: (
        "The header has {count} columns; at most {limit} are accepted. Keep only the columns the "
        "audit needs (outcome, decision or score, sensitive attributes) and upload it again."
    ),
    EMPTY_COLUMN_NAME: (
        "{which} of the header {verb} no name. Name every column (a file saved with its row "
        "index, e.g. by pandas, starts with an unnamed column: save it without the index)."
    ),
    DUPLICATE_COLUMN_NAMES: (
        "The header names {names} more than once; give every column its own name."
    ),
    HEADER_TOO_LONG: (
        "The first line (the header) is longer than {limit}: no line break was found within it. "
        "Check that this is a CSV file with one record per line."
    ),
}

ERROR_CODES: tuple[str, ...] = tuple(ERROR_MESSAGES)


class DatasetError(ValueError):
    """The input file or its column mapping cannot be used.

    Parameters
    ----------
    code : str
        Stable machine-readable code, one of :data:`ERROR_CODES`.
    message : str
        What is wrong, written for the person who supplied the file.
    line : int, optional
        Physical line of the (decompressed) file where the problem is, the header being line 1.
    column : str, optional
        The column concerned, as named in the header.
    """

    def __init__(
        self, code: str, message: str, line: int | None = None, column: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, object]:
        """Return ``{"code", "message", "line", "column"}`` for storage or JSON."""
        return {
            "code": self.code,
            "message": self.message,
            "line": self.line,
            "column": self.column,
        }


def dataset_error(
    code: str, *, line: int | None = None, column: str | None = None, **fields: object
) -> DatasetError:
    """Build a :class:`DatasetError` from the template of ``code``."""
    template = ERROR_MESSAGES[code]
    values = {"line": line, "column": column, **fields}
    return DatasetError(code, template.format(**values), line=line, column=column)


def quote_list(values: Iterable[object], *, limit: int = 10) -> str:
    """Return ``'a', 'b' and 3 more``: a short, quoted, human list of values."""
    items = list(values)
    shown = ", ".join(f"'{value}'" for value in items[:limit])
    if len(items) > limit:
        shown += f" and {len(items) - limit} more"
    return shown


# -- Version 2 (tasks and inputs): appended, so that merges with other additions stay clean. ----
BAD_COUNT = "bad_count"
NOT_PARQUET = "not_parquet"
MISSING_ID_COLUMN = "missing_id_column"
DUPLICATE_IDS = "duplicate_ids"
NO_MATCHED_ROWS = "no_matched_rows"
NON_NUMERIC_VALUES = "non_numeric_values"
TOO_MANY_CLASSES = "too_many_classes"
REGRESSION_NEEDS_Y_PRED = "regression_needs_y_pred"
UNKNOWN_TASK = "unknown_task"

ERROR_MESSAGES.update(
    {
        BAD_COUNT: (
            "Line {line}: the count in column '{column}' is '{value}'; a count must be a whole "
            "number, 0 or more."
        ),
        NOT_PARQUET: "The file cannot be read as Parquet: {detail}",
        MISSING_ID_COLUMN: (
            "Column '{column}' (id) is not in the {side} file. Its columns are: {available}."
        ),
        DUPLICATE_IDS: (
            "The attributes file has {count} id(s) in column '{column}' on more than one row: "
            "{values}. Each id needs exactly one row of attributes."
        ),
        NO_MATCHED_ROWS: (
            "No id of the predictions file (column '{column}') is in the attributes file, so "
            "there is nothing to measure ({predictions} prediction rows, {attributes} attribute "
            "rows)."
        ),
        NON_NUMERIC_VALUES: (
            "Column '{column}' ({role}) has values that are not numbers: {values}. A regression "
            "needs numbers in y_true and y_pred."
        ),
        TOO_MANY_CLASSES: (
            "Column '{column}' ({role}) has more than {limit} different values ({values}); a "
            "multiclass audit takes at most {limit} classes."
        ),
        REGRESSION_NEEDS_Y_PRED: (
            "A regression audit needs a y_pred column (the numeric prediction); a score column "
            "is not used for regression."
        ),
        UNKNOWN_TASK: "Unknown task '{task}'; use 'binary', 'regression' or 'multiclass'.",
    }
)
ERROR_CODES = tuple(ERROR_MESSAGES)
