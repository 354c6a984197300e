"""preview(): what the upload page shows, and the mapping it suggests."""

from __future__ import annotations

import pytest

from fairness import ColumnMapping, DatasetError, Preview, preview

from .conftest import ADULT, DATA, csv_bytes


def test_preview_of_the_adult_file():
    head = preview(ADULT, rows=5)
    assert isinstance(head, Preview)
    assert (head.delimiter, head.delimiter_name, head.encoding) == (",", "comma", "UTF-8")
    assert head.columns == [
        "applicant_id",
        "sex",
        "race",
        "age_group",
        "income_over_50k",
        "predicted_over_50k",
        "score",
    ]
    assert head.rows[0] == ["1", "Male", "Black", "25-39", "0", "0", "0.0023"]
    assert len(head.rows) == 5
    assert head.distinct["sex"] == ["Female", "Male"]
    assert head.distinct["income_over_50k"] == ["0", "1"]
    assert head.distinct_truncated["score"] is True
    assert head.rows_sampled == 16281


def test_guess_mapping_of_the_adult_file_pairs_prediction_and_outcome_by_name():
    assert preview(ADULT).guess_mapping() == ColumnMapping(
        y_true="income_over_50k",
        y_pred="predicted_over_50k",
        score="score",
        sensitive=["sex", "race", "age_group"],
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["Label", "Prediction", "Probability", "Gender", "Ethnicity"],
            ("Label", "Prediction", "Probability", ["Gender", "Ethnicity"]),
        ),
        (["target", "decision", "Race", "zip"], ("target", "decision", None, ["Race"])),
        (
            ["y_true", "y_pred", "risk_score", "age_band"],
            ("y_true", "y_pred", "risk_score", ["age_band"]),
        ),
        (["a", "b"], (None, None, None, [])),
    ],
)
def test_guess_mapping_from_column_names(write, header, expected):
    path = write("g.csv", csv_bytes(header, [["1"] * len(header)]))
    guess = preview(path).guess_mapping()
    assert (guess.y_true, guess.y_pred, guess.score, guess.sensitive) == expected


def test_a_numeric_age_with_many_values_is_not_suggested_as_sensitive(write):
    rows = [[str(age), "F", 1, 0] for age in range(18, 90)]
    guess = preview(
        write("a.csv", csv_bytes(["age", "sex", "label", "pred"], rows))
    ).guess_mapping()
    assert guess.sensitive == ["sex"]


def test_distinct_values_are_capped(write):
    rows = [[str(i), "x"] for i in range(100)]
    head = preview(write("c.csv", csv_bytes(["id", "g"], rows)), max_distinct=10)
    assert len(head.distinct["id"]) == 10
    assert head.distinct_truncated == {"id": True, "g": False}


def test_semicolon_gzip_with_bom_is_described(write):
    path = write("s.csv.gz", b"\xef\xbb\xbf" + (DATA / "ll144_scores.csv").read_bytes())
    head = preview(path)
    assert (head.delimiter_name, head.encoding, head.compressed) == (
        "semicolon",
        "UTF-8 with BOM, gzip",
        True,
    )
    assert head.distinct["decision"] == ["hired", "rejected"]
    assert head.to_dict()["columns"] == ["candidate", "race", "decision", "score"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"a,b\n", "header_only"),
        (b"a,b\n1,2\n3\n", "ragged_rows"),
        (b'a,b\n1,"2\n', "unterminated_quote"),
        (b"PK\x03\x04" + bytes(100), "binary_content"),
        (b"a,b\n1,2\x00\n", "nul_bytes"),
    ],
)
def test_preview_refuses_what_the_head_shows_is_broken(write, data, code):
    with pytest.raises(DatasetError) as caught:
        preview(write("bad.csv", data))
    assert caught.value.code == code


def test_preview_of_a_missing_file(tmp_path):
    with pytest.raises(DatasetError) as caught:
        preview(tmp_path / "none.csv")
    assert caught.value.code == "missing_file"
