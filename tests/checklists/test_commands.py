"""checklist_export, checklist_import and load_default_checklist from the command line."""

import io
import json

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError

from checklists import services
from checklists.models import Checklist, ChecklistVersion, Question, VersionStatus

from .conftest import SMALL_CHECKLIST


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_writes_the_latest_published_version_to_stdout(published_version, admin_user):
    services.version_new_draft(version=published_version, user=admin_user)
    out, _ = _run("checklist_export", "published-demo")
    assert json.loads(out) == services.version_export(version=published_version)


def test_export_writes_a_chosen_version_to_a_file(published_version, admin_user, tmp_path):
    draft = services.version_new_draft(version=published_version, user=admin_user)
    target = tmp_path / "v2.json"
    _, err = _run("checklist_export", "published-demo", "--version", "2", "--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8")) == services.version_export(version=draft)
    assert "v2" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-checklist"], 'No checklist with slug "no-such-checklist".'),
        (["published-demo", "--version", "9"], 'Checklist "published-demo" has no version 9.'),
    ],
)
def test_export_explains_what_is_missing(published_version, args, message):
    with pytest.raises(CommandError, match=message):
        _run("checklist_export", *args)


def test_import_creates_a_draft_version(db):
    out, _ = _run("checklist_import", str(SMALL_CHECKLIST))
    version = ChecklistVersion.objects.get(checklist__slug="small-audit")
    assert version.status == VersionStatus.DRAFT
    assert "Imported small-audit v1 (draft) with 5 questions." in out


def test_import_publish_and_as_new_version(db):
    _run("checklist_import", str(SMALL_CHECKLIST), "--publish")
    _run("checklist_import", str(SMALL_CHECKLIST), "--as-new-version")
    versions = ChecklistVersion.objects.filter(checklist__slug="small-audit").order_by("number")
    assert [(v.number, v.status) for v in versions] == [(1, "published"), (2, "draft")]


def test_import_of_an_existing_number_is_refused_without_as_new_version(db):
    _run("checklist_import", str(SMALL_CHECKLIST), "--publish")
    with pytest.raises(CommandError, match="1 problem; nothing was written"):
        _run("checklist_import", str(SMALL_CHECKLIST))
    assert ChecklistVersion.objects.filter(checklist__slug="small-audit").count() == 1


def test_import_prints_every_problem_and_writes_nothing(db, small_document, tmp_path):
    small_document["questions"][0]["answer_kind"] = "maybe"
    small_document["questions"][2]["choices"] = []
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(small_document), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="not imported, 2 problems; nothing was written"):
        call_command("checklist_import", str(path), stderr=err)
    assert err.getvalue().splitlines() == [
        'questions[0] (FAIR-01).answer_kind: "maybe" is not one of yes_no, scale, choice, text, gate',
        "questions[2] (FAIR-03).choices: a choice question needs at least 2 options, got 0",
    ]
    assert not Checklist.objects.filter(slug="small-audit").exists()


def test_import_from_the_shell_exits_non_zero_without_a_traceback(
    db, tmp_path, capsys, monkeypatch
):
    # run_from_argv closes the connections when it ends; keep the test's transaction open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    command = load_command_class("checklists", "checklist_import")
    with pytest.raises(SystemExit) as excinfo:
        command.run_from_argv(["manage.py", "checklist_import", str(path), "--skip-checks"])
    assert excinfo.value.code == 1
    err = capsys.readouterr().err
    assert "file: not valid JSON: Expecting property name enclosed in double quotes" in err
    assert "CommandError:" in err
    assert "Traceback" not in err


def test_import_of_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*missing.json: No such file"):
        _run("checklist_import", str(tmp_path / "missing.json"))


def test_export_then_import_round_trips_through_files(published_version, tmp_path):
    path = tmp_path / "out.json"
    _run("checklist_export", "published-demo", "--output", str(path))
    _run("checklist_import", str(path), "--as-new-version", "--publish")
    copy = ChecklistVersion.objects.get(checklist=published_version.checklist, number=2)
    first = services.version_export(version=published_version)
    second = services.version_export(version=copy)
    for doc in (first, second):
        for key in ("number", "status", "published_at"):
            doc["version"].pop(key)
    assert first == second


def test_load_default_checklist_loads_the_bundled_file_once(db, monkeypatch):
    monkeypatch.setattr(services, "DEFAULT_CHECKLIST_PATH", SMALL_CHECKLIST)
    monkeypatch.setattr(services, "DEFAULT_CHECKLIST_CHANGES", ())
    out, _ = _run("load_default_checklist")
    assert "small-audit v1 (published), 5 questions" in out
    _run("load_default_checklist")
    assert Question.objects.filter(version__checklist__slug="small-audit").count() == 5


def test_load_default_checklist_loads_version_1_then_version_2_once(db):
    out, _ = _run("load_default_checklist")
    assert "ai-ethics-fairness v1 (published), 50 questions." in out
    assert "ai-ethics-fairness v2 (published), 55 questions." in out
    again, _ = _run("load_default_checklist")
    assert again == out
    assert ChecklistVersion.objects.filter(checklist__slug="ai-ethics-fairness").count() == 2


def test_load_default_checklist_reports_a_missing_file(db, monkeypatch, tmp_path):
    monkeypatch.setattr(services, "DEFAULT_CHECKLIST_PATH", tmp_path / "absent.json")
    with pytest.raises(CommandError, match="default checklist file is missing"):
        _run("load_default_checklist")
