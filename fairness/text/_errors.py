"""The stable codes and message templates of the LLM-response input's errors.

They raise the engine's one exception, :class:`fairness.DatasetError`; codes shared with the
predictions engine (``missing_file``, ``empty_file``, ``missing_column``, ``too_many_groups``,
``unknown_reference_group``, ...) keep their names, with messages written for responses.
"""

from __future__ import annotations

from .._errors import DatasetError

MISSING_FILE = "missing_file"
UNREADABLE_FILE = "unreadable_file"
EMPTY_FILE = "empty_file"
HEADER_ONLY = "header_only"
FILE_TOO_LARGE = "file_too_large"
UNREADABLE_CSV = "unreadable_csv"
BAD_JSON_LINE = "bad_json_line"
UNREADABLE_PARQUET = "unreadable_parquet"
MISSING_MAPPING = "missing_mapping"
MISSING_COLUMN = "missing_column"
DUPLICATE_MAPPING = "duplicate_mapping"
RESPONSE_NOT_TEXT = "response_not_text"
EMPTY_KEY = "empty_key"
DUPLICATE_SAMPLE = "duplicate_sample"
NON_NUMERIC_TOXICITY = "non_numeric_toxicity"
TOXICITY_OUT_OF_RANGE = "toxicity_out_of_range"
POS_LABEL_REQUIRED = "pos_label_required"
POS_LABEL_ABSENT = "pos_label_absent"
FEWER_THAN_TWO_GROUPS = "fewer_than_two_groups"
TOO_MANY_GROUPS = "too_many_groups"
UNKNOWN_REFERENCE_GROUP = "unknown_reference_group"
NO_COMPLETE_PAIRS = "no_complete_pairs"

#: Message template of every code; the fields are filled in where the problem is found.
TEXT_ERROR_MESSAGES: dict[str, str] = {
    MISSING_FILE: "No file at {path}.",
    UNREADABLE_FILE: "Cannot read {path}: {reason}.",
    EMPTY_FILE: "The file is empty: it has no responses.",
    HEADER_ONLY: "The file has columns ({columns}) but no responses.",
    FILE_TOO_LARGE: "The file is {size}; at most {limit} is accepted.",
    UNREADABLE_CSV: "The file cannot be read as CSV: {detail}",
    BAD_JSON_LINE: "Line {line} is not a JSON object: {detail}",
    UNREADABLE_PARQUET: "The file cannot be read as Parquet: {detail}",
    MISSING_MAPPING: "Map the {role} column: it is required.",
    MISSING_COLUMN: "Column '{column}' ({role}) is not in the file. Its columns are: {available}.",
    DUPLICATE_MAPPING: "Column '{column}' is mapped twice ({roles}); each role needs its own column.",
    RESPONSE_NOT_TEXT: (
        "Column '{column}' (response) holds {what}, not text: map the column with the model's "
        "responses."
    ),
    EMPTY_KEY: "Row {row} of the data has no {role} (column '{column}'): every response needs one.",
    DUPLICATE_SAMPLE: (
        "Pair '{pair_id}' has two responses of group '{group}' with sample '{sample}' (row "
        "{row}); each generation needs its own sample value."
    ),
    NON_NUMERIC_TOXICITY: "Column '{column}' (toxicity) has values that are not numbers: {values}.",
    TOXICITY_OUT_OF_RANGE: (
        "Column '{column}' (toxicity) has values outside [0, 1]: {values}. Toxicity is a score "
        "between 0 and 1."
    ),
    POS_LABEL_REQUIRED: (
        "Cannot tell which value of column '{column}' (decision) is the positive (favourable) "
        "outcome: it has {values}. Give the positive label."
    ),
    POS_LABEL_ABSENT: "The positive label '{pos_label}' does not appear in column '{column}': {values}.",
    FEWER_THAN_TWO_GROUPS: (
        "Column '{column}' (group) has {count}: counterfactual fairness compares at least two "
        "groups."
    ),
    TOO_MANY_GROUPS: (
        "Column '{column}' (group) has more than {limit} groups ({count} seen): is it the column "
        "of the group each prompt mentions?"
    ),
    UNKNOWN_REFERENCE_GROUP: "Reference group '{group}' is not in the file. The groups are: {groups}.",
    NO_COMPLETE_PAIRS: (
        "No pair_id has responses of two groups, so no counterfactual comparison is possible "
        "(each pair_id is one prompt filled in once per group)."
    ),
}

TEXT_ERROR_CODES: tuple[str, ...] = tuple(TEXT_ERROR_MESSAGES)


def text_error(
    code: str, *, line: int | None = None, column: str | None = None, **fields: object
) -> DatasetError:
    """Build a :class:`~fairness.DatasetError` from the template of ``code``."""
    values = {"line": line, "column": column, **fields}
    message = TEXT_ERROR_MESSAGES[code].format(**values)
    return DatasetError(code, message, line=line, column=column)
