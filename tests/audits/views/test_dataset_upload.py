"""Every kind of bad upload ends in a form error or a failed run with the engine's message, never a
500, and a refused upload leaves nothing behind: no Dataset row, no stored file, no temporary file.
"""

import gzip

import pytest
from django.urls import reverse

from audits.models import Dataset, FairnessRun, RunStatus
from fairness import DEFAULT_MAX_COLUMNS, DatasetError
from tests.audits.dataset_fixtures import *  # noqa: F403  (the datasets fixtures apply here)
from tests.audits.dataset_fixtures import biased_csv, mapping_post, post_upload, stored_files

GOOD = biased_csv()


def _latin1() -> bytes:
    return b"sex,label,pred,score\n" + b"".join(
        b"%s,1,1,0.9\n" % (b"M\xe9le" if i % 2 else b"F") for i in range(60)
    )


def _wide(columns: int) -> bytes:
    """GOOD with extra columns up to `columns` in all (the extra ones are all 0)."""
    extra = columns - 4
    lines = GOOD.rstrip(b"\n").split(b"\n")
    header = lines[0] + b"".join(b",c%d" % i for i in range(extra))
    return b"\n".join([header, *(line + b",0" * extra for line in lines[1:])]) + b"\n"


def _with_line(line: bytes, at: int = 40) -> bytes:
    lines = GOOD.split(b"\n")
    lines.insert(at, line)
    return b"\n".join(lines)


# (id, file name, content, mapping overrides, the engine's error code)
CASES = [
    ("empty file", "empty.csv", b"", {}, "empty_file"),
    ("header only", "header.csv", b"sex,label,pred,score\n", {}, "header_only"),
    (
        "binary content",
        "image.csv",
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        {},
        "binary_content",
    ),
    ("NUL bytes", "nul.csv", _with_line(b"F,1,\x000,0.5"), {}, "nul_bytes"),
    ("bad label values", "labels.csv", _with_line(b"F,maybe,1,0.5"), {}, "bad_label_values"),
    (
        "non-numeric score",
        "score.csv",
        _with_line(b"F,1,1,high"),
        {"y_pred": "", "score": "score"},
        "non_numeric_score",
    ),
    ("ragged rows", "ragged.csv", _with_line(b"F,1,1,0.5,extra,fields"), {}, "ragged_rows"),
    (
        "unterminated quote",
        "quote.csv",
        GOOD + b'F,"1,1,0.5\nM,0,0,0.1\n',
        {},
        "unterminated_quote",
    ),
    (
        "truncated gzip",
        "data.csv.gz",
        gzip.compress(GOOD * 20, mtime=0)[:-40],
        {},
        "truncated_gzip",
    ),
    ("UTF-16 text", "utf16.csv", GOOD.decode().encode("utf-16"), {}, "binary_content"),
    ("Latin-1 bytes", "latin1.csv", _latin1(), {}, "not_utf8"),
    ("too many columns", "wide.csv", _wide(DEFAULT_MAX_COLUMNS + 1), {}, "too_many_columns"),
    ("unnamed column", "index.csv", b"," + GOOD, {}, "empty_column_name"),
    ("repeated column name", "twice.csv", b"sex," + GOOD, {}, "duplicate_column_names"),
    ("header longer than the limit", "long.csv", b"x" * (5 << 20) + b"\n", {}, "header_too_long"),
]


def _through_the_app(client, audit, name, content, mapping):
    """Upload, then (if the file is kept) map and run. Return ("form", response) or ("run", run)."""
    response = post_upload(client, audit, content, name)
    if response.status_code == 200:
        return "form", response
    assert response.status_code == 302, response.status_code
    dataset = Dataset.objects.get(audit=audit)
    map_url = reverse("audits:dataset_map", args=[audit.pk, dataset.pk])
    response = client.post(map_url, mapping_post(**mapping))
    if response.status_code == 200:
        return "mapping form", response
    assert response.status_code == 302
    return "run", FairnessRun.objects.get(dataset=dataset)


@pytest.mark.parametrize(
    ("name", "content", "mapping", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_upload_ends_in_the_engines_message(
    owner_client, audit, media, upload_tmp, name, content, mapping, code
):
    where, outcome = _through_the_app(owner_client, audit, name, content, mapping)
    if where == "form":
        errors = outcome.context["form"].errors.as_data()["file"]
        assert [e.code for e in errors] == [code]
        assert errors[0].messages[0] in outcome.content.decode().replace("&#x27;", "'")
        assert Dataset.objects.count() == 0
        assert stored_files(media) == []
        assert list(upload_tmp.iterdir()) == []
    else:
        assert where == "run"
        assert outcome.status == RunStatus.FAILED
        assert outcome.error_code == code
        assert outcome.error_message
        page = owner_client.get(outcome.get_absolute_url())
        assert page.status_code == 200
        assert outcome.error_message.replace("'", "&#x27;") in page.content.decode()
        # The upload is kept so the user can fix the mapping and run again.
        assert Dataset.objects.count() == 1
        assert len(stored_files(media)) == 1


def test_oversized_upload_is_refused_and_leaves_nothing(
    owner_client, audit, media, upload_tmp, settings
):
    settings.DATASET_MAX_BYTES = 1000
    response = post_upload(owner_client, audit, GOOD)
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["file"]
    assert [e.code for e in errors] == ["too_big"]
    assert "1000\xa0bytes limit" in errors[0].messages[0]
    assert Dataset.objects.count() == 0
    assert stored_files(media) == []
    assert list(upload_tmp.iterdir()) == []


def test_upload_at_the_limit_is_accepted(owner_client, audit, settings):
    settings.DATASET_MAX_BYTES = len(GOOD)
    response = post_upload(owner_client, audit, GOOD)
    assert response.status_code == 302
    assert Dataset.objects.get().size == len(GOOD)


def test_upload_with_another_extension_is_refused(owner_client, audit, media):
    response = post_upload(owner_client, audit, GOOD, name="predictions.json")
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["file"][0].code == "extension"
    assert Dataset.objects.count() == 0
    assert stored_files(media) == []


@pytest.mark.parametrize("name", ["predictions.xlsx", "Predictions.XLS", "scores.ods"])
@pytest.mark.parametrize("kind", ["predictions", "llm"])
def test_a_workbook_gets_save_as_csv_advice(owner_client, audit, media, name, kind):
    response = post_upload(owner_client, audit, GOOD, name=name, kind=kind)
    assert response.status_code == 200
    error = response.context["form"].errors.as_data()["file"][0]
    assert error.code == "spreadsheet"
    assert "save the sheet as CSV" in response.content.decode()
    assert Dataset.objects.count() == 0 and stored_files(media) == []


def test_upload_without_a_file_asks_for_one(owner_client, audit):
    response = owner_client.post(reverse("audits:dataset_upload", args=[audit.pk]), {})
    assert response.status_code == 200
    assert "Choose a predictions file" in response.content.decode()


def test_mapping_a_column_the_file_lacks_is_a_form_error(owner_client, dataset):
    url = reverse("audits:dataset_map", args=[dataset.audit_id, dataset.pk])
    response = owner_client.post(url, mapping_post(y_true="gender"))
    assert response.status_code == 200
    assert "y_true" in response.context["form"].errors
    assert FairnessRun.objects.count() == 0


def test_a_run_on_a_column_the_file_lacks_fails_with_the_engines_message(make_run):
    run = make_run(mapping={"sensitive": ["gender"]})
    assert run.status == RunStatus.FAILED
    assert run.error_code == "missing_column"
    assert "gender" in run.error_message


def test_too_many_groups_fails_the_run_with_the_engines_message(settings, make_dataset, make_run):
    settings.FAIRNESS_MAX_GROUPS = 3
    rows = "".join(f"G{i},1,1,0.9\n" for i in range(10))
    dataset = make_dataset(biased_csv(extra_rows=rows))
    run = make_run(on=dataset)
    assert run.status == RunStatus.FAILED
    assert run.error_code == "too_many_groups"
    assert run.error_message.startswith("Grouping 'sex' has more than 3 groups")


def test_engine_error_message_is_stored_verbatim(make_run, monkeypatch):
    from audits.jobs import worker

    def refuse(*args, **kwargs):
        raise DatasetError("ragged_rows", "Line 7 has 3 fields but the header has 4: x", line=7)

    monkeypatch.setattr(worker, "assess", refuse)
    run = make_run()
    assert (run.status, run.error_code) == (RunStatus.FAILED, "ragged_rows")
    assert run.error_message == "Line 7 has 3 fields but the header has 4: x"


def _big_csv(bad_line: bytes | None = None, *, rows: int = 150_000) -> bytes:
    """About 1.5 MB: more than the 1 MB the preview reads, so the problem is met by the run."""
    body = b"".join(
        b"%s,%d,%d,0.5\n" % (b"MF"[i % 2 : i % 2 + 1], i % 2, (i // 2) % 2) for i in range(rows)
    )
    return b"sex,label,pred,score\n" + body + (bad_line or b"")


BEYOND_THE_SAMPLE = [
    ("ragged rows", "big.csv", _big_csv(b"F,1,1,0.5,extra\n"), "ragged_rows"),
    ("unterminated quote", "big.csv", _big_csv(b'F,"1,1,0.5\nM,0,0,0.1\n'), "unterminated_quote"),
    ("NUL bytes", "big.csv", _big_csv(b"F,1,\x001,0.5\n"), "nul_bytes"),
    ("truncated gzip", "big.csv.gz", gzip.compress(_big_csv(), mtime=0)[:-100], "truncated_gzip"),
]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [c[1:] for c in BEYOND_THE_SAMPLE],
    ids=[c[0] for c in BEYOND_THE_SAMPLE],
)
def test_a_problem_beyond_the_preview_fails_the_run_and_keeps_the_upload(
    owner_client, audit, media, name, content, code
):
    where, run = _through_the_app(owner_client, audit, name, content, {})
    assert where == "run", run.context["form"].errors
    assert (run.status, run.error_code) == (RunStatus.FAILED, code)
    assert Dataset.objects.count() == 1
    assert len(stored_files(media)) == 1
    progress = owner_client.get(reverse("audits:run_progress", args=[audit.pk, run.pk])).json()
    assert progress["error"] == run.error_message


def test_a_database_failure_after_storing_leaves_no_file(owner_client, audit, media, monkeypatch):
    from django.db import DatabaseError

    def fail(*args, **kwargs):
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(Dataset, "save", fail)
    with pytest.raises(DatabaseError):
        post_upload(owner_client, audit, GOOD)
    assert stored_files(media) == []


def test_a_storage_failure_is_a_form_error(owner_client, audit, media, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", fail)
    response = post_upload(owner_client, audit, GOOD)
    assert response.status_code == 200
    assert "could not be stored" in response.context["form"].errors["file"][0]
    assert Dataset.objects.count() == 0


def test_the_column_limit_comes_from_the_settings(owner_client, audit, media, settings):
    settings.FAIRNESS_MAX_COLUMNS = 3
    response = post_upload(owner_client, audit, GOOD)
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["file"]
    assert [e.code for e in errors] == ["too_many_columns"]
    assert "The header has 4 columns; at most 3 are accepted." in errors[0].messages[0]
    assert Dataset.objects.count() == 0
    assert stored_files(media) == []


def test_a_run_honours_a_column_limit_lowered_after_the_upload(owner_client, dataset, settings):
    settings.FAIRNESS_MAX_COLUMNS = 3
    url = reverse("audits:dataset_map", args=[dataset.audit_id, dataset.pk])
    assert owner_client.post(url, mapping_post()).status_code == 302
    run = FairnessRun.objects.get(dataset=dataset)
    assert (run.status, run.error_code) == (RunStatus.FAILED, "too_many_columns")
