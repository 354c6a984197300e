"""Answers through the API: the revision (If-Match or field), 409 with the current answer, threads."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from audits.models import Answer

from .conftest import error_code, token_client


def _url(audit, question):
    return reverse("api:answer_detail", kwargs={"pk": audit.pk, "question_pk": question.pk})


@pytest.fixture
def question(audit):
    return audit.checklist_version.questions.get(code="FAIR-01")


def test_list_has_every_question_with_revision_zero_when_unanswered(api_viewer, audit):
    rows = api_viewer.get(reverse("api:answer_list", kwargs={"pk": audit.pk})).json()
    assert len(rows) == audit.checklist_version.questions.count()
    assert {r["revision"] for r in rows} == {0}


def test_save_with_revision_field_then_if_match(api_auditor, audit, question):
    first = api_auditor.put(_url(audit, question), {"value": "yes", "revision": 0}, format="json")
    assert first.status_code == 200, first.json()
    assert first.json()["revision"] == 1 and first["ETag"] == '"1"'
    second = api_auditor.patch(
        _url(audit, question), {"note_md": "See the DPIA."}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert second.status_code == 200
    answer = Answer.objects.get(audit=audit, question=question)
    assert (answer.value, answer.note_md, answer.revision) == ("yes", "See the DPIA.", 2)
    assert answer.answered_by.username == "auditor"


def test_a_stale_revision_is_409_with_the_current_answer_and_nothing_saved(
    api_owner, api_auditor, audit, question
):
    assert (
        api_owner.put(
            _url(audit, question), {"value": "no", "revision": 0}, format="json"
        ).status_code
        == 200
    )
    stale = api_auditor.put(_url(audit, question), {"value": "yes", "revision": 0}, format="json")
    assert stale.status_code == 409
    assert error_code(stale) == "answer_conflict"
    [current] = stale.json()["current"]
    assert current["value"] == "no" and current["revision"] == 1
    assert current["answered_by"] == "owner" and current["answered_at"]
    assert Answer.objects.get(audit=audit, question=question).value == "no"
    # Read again, then save on the current revision: a deliberate overwrite.
    again = api_auditor.put(_url(audit, question), {"value": "yes", "revision": 1}, format="json")
    assert again.status_code == 200


def test_revision_missing_or_contradictory_or_value_invalid_is_400(api_auditor, audit, question):
    missing = api_auditor.put(_url(audit, question), {"value": "yes"}, format="json")
    assert missing.status_code == 400 and missing.json()["errors"][0]["attr"] == "revision"
    both = api_auditor.put(
        _url(audit, question), {"value": "yes", "revision": 0}, format="json", HTTP_IF_MATCH='"2"'
    )
    assert both.status_code == 400
    bad = api_auditor.put(_url(audit, question), {"value": "maybe", "revision": 0}, format="json")
    assert bad.status_code == 400 and "maybe" in bad.json()["errors"][0]["detail"]


def test_a_question_of_another_version_is_404(api_auditor, audit, checklist_version):
    other = pytest.importorskip("tests.factories").published_version()
    url = reverse(
        "api:answer_detail", kwargs={"pk": audit.pk, "question_pk": other.questions.first().pk}
    )
    assert api_auditor.put(url, {"value": "yes", "revision": 0}, format="json").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_clients_saving_one_answer_at_once_one_wins_one_gets_409(audit, owner, auditor):
    question = audit.checklist_version.questions.get(code="FAIR-01")
    clients = [token_client(owner), token_client(auditor)]
    barrier = threading.Barrier(2)
    results: dict[int, tuple[int, dict]] = {}
    failures: list[BaseException] = []

    def save(who: int) -> None:
        try:
            barrier.wait(timeout=30)
            response = clients[who].put(
                _url(audit, question),
                {"value": ["yes", "no"][who], "note_md": f"by {who}", "revision": 0},
                format="json",
            )
            results[who] = (response.status_code, response.json())
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(who,)) for who in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    codes = sorted(code for code, _ in results.values())
    assert codes == [200, 409], results
    winner = next(who for who, (code, _) in results.items() if code == 200)
    loser_body = next(body for code, body in results.values() if code == 409)
    assert loser_body["current"][0]["value"] == ["yes", "no"][winner]
    answer = Answer.objects.get(audit=audit, question=question)
    assert (answer.value, answer.note_md, answer.revision) == (
        ["yes", "no"][winner],
        f"by {winner}",
        1,
    )
