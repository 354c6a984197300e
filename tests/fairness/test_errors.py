"""One test per kind of bad input: the error code, and a message that names the problem."""

from __future__ import annotations

import gzip
import io

import pytest

from fairness import (
    DEFAULT_MAX_COLUMNS,
    ERROR_MESSAGES,
    ColumnMapping,
    DatasetError,
    assess,
    preview,
)
from fairness._sniff import MAX_HEADER_BYTES

from .conftest import csv_bytes

MAPPING = ColumnMapping(y_true="label", y_pred="pred", sensitive=["sex"])
HEADER = ["sex", "label", "pred"]
GOOD_ROWS = [["F", 1, 1], ["M", 0, 1], ["F", 0, 0]]


def message(code: str, **fields) -> str:
    return ERROR_MESSAGES[code].format(**fields)


def refuse(source, mapping=MAPPING, **options) -> DatasetError:
    with pytest.raises(DatasetError) as caught:
        assess(source, mapping, bootstrap_draws=0, **options)
    return caught.value


def test_missing_file(tmp_path):
    path = tmp_path / "nope.csv"
    error = refuse(path)
    assert (error.code, str(error)) == ("missing_file", message("missing_file", path=path))


@pytest.mark.parametrize("data", [b"", b"\n\n  \n", b"\xef\xbb\xbf"])
def test_empty_file(write, data):
    error = refuse(write("empty.csv", data))
    assert (error.code, str(error)) == ("empty_file", message("empty_file"))


def test_header_only(write):
    error = refuse(write("h.csv", b"sex,label,pred\n"))
    assert (error.code, str(error)) == (
        "header_only",
        message("header_only", columns="sex, label, pred"),
    )


def test_missing_column_lists_the_columns_of_the_file(write):
    mapping = ColumnMapping(y_true="label", y_pred="pred", sensitive=["gender"])
    error = refuse(write("m.csv", csv_bytes(HEADER, GOOD_ROWS)), mapping)
    assert error.code == "missing_column"
    assert error.column == "gender"
    assert str(error) == message(
        "missing_column", column="gender", role="sensitive", available="'sex', 'label', 'pred'"
    )


def test_duplicate_column_in_the_header(write):
    error = refuse(write("d.csv", csv_bytes(["sex", "sex", "label", "pred"], [["F", "F", 1, 1]])))
    assert (error.code, str(error)) == (
        "duplicate_column_names",
        message("duplicate_column_names", names="'sex'"),
    )


def test_a_column_mapped_to_two_roles(write):
    mapping = ColumnMapping(y_true="label", y_pred="label", sensitive=["sex"])
    error = refuse(write("x.csv", csv_bytes(HEADER, GOOD_ROWS)), mapping)
    assert (error.code, str(error)) == (
        "duplicate_mapping",
        message("duplicate_mapping", column="label", roles="y_true and y_pred"),
    )


def test_neither_decision_nor_score(write):
    mapping = ColumnMapping(y_true="label", y_pred=None, sensitive=["sex"])
    error = refuse(write("x.csv", csv_bytes(HEADER, GOOD_ROWS)), mapping)
    assert (error.code, str(error)) == ("no_decision_column", message("no_decision_column"))


def test_no_sensitive_column(write):
    mapping = ColumnMapping(y_true="label", y_pred="pred", sensitive=[])
    error = refuse(write("x.csv", csv_bytes(HEADER, GOOD_ROWS)), mapping)
    assert (error.code, str(error)) == ("no_sensitive_column", message("no_sensitive_column"))


def test_label_values_neither_positive_nor_negative_are_listed_with_their_line(write):
    rows = [*GOOD_ROWS, ["M", "maybe", 1], ["F", "maybe", 0], ["F", "?", 0]]
    error = refuse(write("l.csv", csv_bytes(HEADER, rows)))
    assert error.code == "bad_label_values"
    assert str(error) == message(
        "bad_label_values",
        column="label",
        role="y_true",
        positive="'1'",
        values="'maybe' (2 rows, first on line 5), '?' (1 row, first on line 7)",
    )


def test_positive_label_absent_from_every_label_column(write):
    rows = [["F", "hired", "hired"], ["M", "rejected", "hired"]]
    mapping = ColumnMapping(y_true="label", y_pred="pred", sensitive=["sex"], pos_label="approved")
    error = refuse(write("p.csv", csv_bytes(HEADER, rows)), mapping)
    assert (error.code, str(error)) == (
        "pos_label_absent",
        message(
            "pos_label_absent",
            pos_label="approved",
            columns="column 'label' (y_true) or column 'pred' (y_pred)",
            values="'hired', 'rejected'",
        ),
    )


def test_text_labels_without_a_positive_label(write):
    rows = [["F", "approved", "approved"], ["M", "denied", "approved"]]
    error = refuse(write("p.csv", csv_bytes(HEADER, rows)))
    assert (error.code, str(error)) == (
        "pos_label_required",
        message("pos_label_required", column="label", role="y_true", values="'approved', 'denied'"),
    )


def test_label_column_with_hundreds_of_values(write):
    rows = [["F", str(i), 1] for i in range(300)]
    error = refuse(write("p.csv", csv_bytes(HEADER, rows)))
    assert error.code == "too_many_label_values"
    assert str(error).startswith("Column 'label' (y_true) has more than 200 different values")


def test_non_numeric_score_names_the_value_and_line(write):
    rows = [["F", 1, "0.5"], ["M", 0, "high"], ["F", 0, "0.1"]]
    mapping = ColumnMapping(y_true="label", score="pred", sensitive=["sex"])
    error = refuse(write("s.csv", csv_bytes(HEADER, rows)), mapping)
    assert (error.code, error.line) == ("non_numeric_score", 3)
    assert str(error) == message("non_numeric_score", column="pred", values="'high' (line 3)")


def test_all_labels_missing(write):
    rows = [["F", "", 1], ["M", "NA", 0]]
    error = refuse(write("a.csv", csv_bytes(HEADER, rows)))
    assert (error.code, str(error)) == (
        "all_labels_missing",
        message("all_labels_missing", column="label", role="y_true"),
    )


def test_all_scores_missing(write):
    rows = [["F", 1, ""], ["M", 0, ""]]
    mapping = ColumnMapping(y_true="label", score="pred", sensitive=["sex"])
    error = refuse(write("a.csv", csv_bytes(HEADER, rows)), mapping)
    assert (error.code, str(error)) == (
        "all_scores_missing",
        message("all_scores_missing", column="pred"),
    )


def test_no_row_has_both_label_and_decision(write):
    rows = [["F", 1, ""], ["M", "", 0]]
    error = refuse(write("a.csv", csv_bytes(HEADER, rows)))
    assert (error.code, str(error)) == (
        "no_usable_rows",
        message("no_usable_rows", columns="'label', 'pred'"),
    )


def test_too_many_groups_in_one_column(write):
    rows = [[f"id{i}", 1, 1] for i in range(7)]
    error = refuse(write("g.csv", csv_bytes(HEADER, rows)), max_groups=5)
    assert error.code == "too_many_groups"
    assert str(error).startswith("Grouping 'sex' has more than 5 groups (at least 7 seen).")
    assert "is 'sex' really a sensitive attribute?" in str(error)


def test_too_many_groups_in_the_intersection(write):
    rows = [[a, b, 1, 0] for a in "xyz" for b in "uvw"]
    mapping = ColumnMapping(y_true="label", y_pred="pred", sensitive=["a", "b"])
    error = refuse(
        write("g.csv", csv_bytes(["a", "b", "label", "pred"], rows)), mapping, max_groups=5
    )
    assert (error.code, str(error)) == (
        "too_many_groups",
        message(
            "too_many_groups",
            grouping="a x b",
            limit=5,
            count=9,
            hint="Use fewer sensitive columns, or coarser groups.",
        ),
    )


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (
            b"PK\x03\x04" + bytes(200),
            "it is a ZIP archive, perhaps an Excel .xlsx or .ods workbook; export it as CSV",
        ),
        ("sex,label\nF,1\n".encode("utf-16"), "it is UTF-16 text; save it as 'CSV UTF-8'"),
        (bytes(range(256)) * 8, "it contains binary data, not text"),
    ],
)
def test_binary_content(write, data, what):
    error = refuse(write("b.csv", data))
    assert (error.code, str(error)) == ("binary_content", message("binary_content", what=what))


def test_latin1_value_in_a_mapped_column_names_line_and_column(write):
    data = csv_bytes(HEADER, GOOD_ROWS) + "Fé,1,0\n".encode("latin-1")
    error = refuse(write("u.csv", data))
    assert (error.code, error.line, error.column) == ("not_utf8", 5, "sex")
    assert str(error) == message("not_utf8", line=5, where=" (column 'sex')")


def test_latin1_header(write):
    error = refuse(write("u.csv", "séx,label,pred\nF,1,0\n".encode("latin-1")))
    assert (error.code, str(error)) == (
        "not_utf8",
        message("not_utf8", line=1, where=" (the header)"),
    )


def test_truncated_gzip(write, tmp_path):
    whole = gzip.compress(csv_bytes(HEADER, GOOD_ROWS * 200))
    path = tmp_path / "t.csv.gz"
    path.write_bytes(whole[: len(whole) // 2])
    error = refuse(path)
    assert (error.code, str(error)) == ("truncated_gzip", message("truncated_gzip"))


def test_corrupt_gzip(tmp_path):
    path = tmp_path / "c.csv.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00" + b"\xff" * 64)
    error = refuse(path)
    assert error.code == "corrupt_gzip"
    assert str(error).startswith("The gzip file is damaged")


def test_ragged_row_names_the_line(write):
    data = csv_bytes(HEADER, GOOD_ROWS) + b"M,1\n" + csv_bytes(HEADER, GOOD_ROWS).split(b"\n", 1)[1]
    error = refuse(write("r.csv", data))
    assert (error.code, error.line) == ("ragged_rows", 5)
    assert str(error) == message("ragged_rows", line=5, got=2, expected=3, text="M,1")


def test_nul_byte_in_the_first_lines(write):
    error = refuse(write("n.csv", b"sex,label,pred\nF,1,1\nM,0\x00,1\n"))
    assert (error.code, error.line) == ("nul_bytes", 3)
    assert str(error) == message("nul_bytes", line=3)


def test_nul_byte_far_into_a_gzip_file(write):
    rows = GOOD_ROWS * 10_000
    rows[20_000] = ["F", "1\x00", 1]
    error = refuse(write("n.csv.gz", csv_bytes(HEADER, rows)))
    assert (error.code, error.line) == ("nul_bytes", 20_002)


def test_unterminated_quote_at_the_end(write):
    data = csv_bytes(HEADER, GOOD_ROWS) + b'"M,1,0\nF,1,1\n'
    error = refuse(write("q.csv", data))
    assert (error.code, str(error)) == (
        "unterminated_quote",
        message("unterminated_quote", line=5, until=""),
    )


def test_quote_closed_many_lines_later(write):
    data = csv_bytes(HEADER, GOOD_ROWS) + b'"M,1,0\nF,1,1\nF",1\nM,0,0\n'
    error = refuse(write("q.csv", data))
    assert (error.code, str(error)) == (
        "unterminated_quote",
        message("unterminated_quote", line=5, until=" before line 7"),
    )


def test_stray_quote_in_a_broken_row(write):
    data = csv_bytes(HEADER, GOOD_ROWS) + b'M,"1"x,0,0\n'
    error = refuse(write("q.csv", data))
    assert (error.code, error.line) == ("stray_quote", 5)


def test_unknown_reference_group_lists_the_groups(write):
    error = refuse(write("ok.csv", csv_bytes(HEADER, GOOD_ROWS)), reference_group="X")
    assert (error.code, str(error)) == (
        "unknown_reference_group",
        message("unknown_reference_group", group="X", groups="'F', 'M'"),
    )


class _Unseekable(io.RawIOBase):
    def __init__(self, data: bytes):
        self._data = io.BytesIO(data)

    def readable(self):
        return True

    def readinto(self, buffer):
        return self._data.readinto(buffer)


def test_a_broken_stream_that_cannot_be_reread_still_says_what_is_wrong():
    data = csv_bytes(HEADER, GOOD_ROWS) + b"M,1\n"
    error = refuse(_Unseekable(data))
    assert error.code == "unreadable_csv"
    assert "Expected 3 columns, got 2" in str(error)


def test_errors_carry_a_json_ready_dict(write):
    error = refuse(write("h.csv", b"sex,label,pred\n"))
    assert error.to_dict() == {
        "code": "header_only",
        "message": message("header_only", columns="sex, label, pred"),
        "line": None,
        "column": None,
    }


# -- the header: its width, its names, its length -----------------------------------------------


def _wide(columns: int) -> bytes:
    names = [f"c{i}" for i in range(columns - 3)]
    return csv_bytes([*HEADER, *names], [[*row, *["0"] * len(names)] for row in GOOD_ROWS])


@pytest.mark.parametrize("read", [assess, preview], ids=["assess", "preview"])
def test_a_header_wider_than_the_default_limit_is_refused_with_the_count(write, read):
    path = write("wide.csv", _wide(DEFAULT_MAX_COLUMNS + 1))
    with pytest.raises(DatasetError) as caught:
        read(path, MAPPING) if read is assess else read(path)
    assert (caught.value.code, str(caught.value)) == (
        "too_many_columns",
        message("too_many_columns", count=DEFAULT_MAX_COLUMNS + 1, limit=DEFAULT_MAX_COLUMNS),
    )


def test_a_header_at_the_default_limit_is_accepted(write):
    assert len(preview(write("wide.csv", _wide(DEFAULT_MAX_COLUMNS))).columns) == 2000


def test_max_columns_is_honoured_by_assess_and_preview(write):
    path = write("five.csv", _wide(5))
    error = refuse(path, max_columns=4)
    assert (error.code, str(error)) == (
        "too_many_columns",
        message("too_many_columns", count=5, limit=4),
    )
    with pytest.raises(DatasetError, match="at most 4 are accepted"):
        preview(path, max_columns=4)
    assert assess(path, MAPPING, bootstrap_draws=0, max_columns=5).to_dict()["input"]
    assert len(preview(path, max_columns=5).columns) == 5


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_max_columns_must_be_a_positive_integer(write, bad):
    path = write("x.csv", csv_bytes(HEADER, GOOD_ROWS))
    with pytest.raises(ValueError, match="^max_columns must be a positive integer") as caught:
        preview(path, max_columns=bad)
    assert not isinstance(caught.value, DatasetError)


@pytest.mark.parametrize(
    ("header", "which", "verb"),
    [
        (",sex,label,pred", "Column 1", "has"),  # pandas' to_csv with its index
        ("sex,label,,pred, ", "Columns 3 and 5", "have"),
    ],
)
def test_a_column_without_a_name_is_refused_with_its_position(write, header, which, verb):
    width = header.count(",") + 1
    data = (header + "\n" + ",".join(["1"] * width) + "\n").encode()
    error = refuse(write("e.csv", data))
    assert (error.code, str(error)) == (
        "empty_column_name",
        message("empty_column_name", which=which, verb=verb),
    )


def test_every_repeated_column_name_is_named_once(write):
    header = ["sex", "label", "pred", "label", " sex ", "sex"]
    error = refuse(write("d.csv", csv_bytes(header, [["F", 1, 1, 1, "F", "F"]])))
    assert (error.code, str(error)) == (
        "duplicate_column_names",
        message("duplicate_column_names", names="'sex', 'label'"),
    )


@pytest.mark.parametrize("name", ["long.csv", "long.csv.gz"])
def test_a_first_line_longer_than_the_header_limit_says_so_not_empty(write, name):
    error = refuse(write(name, b"x" * (MAX_HEADER_BYTES + 1) + b"\n1\n"))
    assert (error.code, str(error)) == (
        "header_too_long",
        message("header_too_long", limit="4 MB"),
    )
    assert error.line == 1
