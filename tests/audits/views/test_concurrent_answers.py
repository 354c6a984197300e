"""Two people saving the same answer at the same moment, for real: two threads, two connections.

On SQLite this runs on a database file (see config/settings/test.py), whose locking is the one the
web app meets; each save ends saved or refused as a conflict, never a 500, and none is lost.
"""

import sqlite3
import threading

import pytest
from django.db import connection
from django.test import Client

from audits.models import Answer

from .test_answers import _form_data, _set, _url

PAIRS = 20
CONFLICT = "someone else changed this answer"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_of_one_answer_are_saved_or_refused_and_none_is_lost(
    audit, owner, auditor
):
    if connection.vendor == "sqlite":
        assert not connection.creation.is_in_memory_db(connection.settings_dict["NAME"])
    clients = [_client(owner), _client(auditor)]
    barrier = threading.Barrier(2)
    outcomes: dict[tuple[int, int], str] = {}
    failures: list[BaseException] = []

    def save_repeatedly(who: int) -> None:
        try:
            for pair in range(PAIRS):
                data, items = _form_data(clients[who], audit)
                _set(data, items, "FAIR-01", ["yes", "no"][who], note=f"{who}-{pair}")
                barrier.wait(timeout=60)  # both read the same revision, then both post
                response = clients[who].post(_url(audit), data)
                if response.status_code == 302:
                    outcomes[pair, who] = "saved"
                else:
                    assert response.status_code == 200, response.status_code
                    assert CONFLICT in response.content.decode()
                    outcomes[pair, who] = "conflict"
                barrier.wait(timeout=60)
        except BaseException as error:  # reported by the main thread
            failures.append(error)
            barrier.abort()
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=save_repeatedly, args=(who,)) for who in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures
    assert len(outcomes) == 2 * PAIRS

    saved = [(pair, who) for (pair, who), outcome in sorted(outcomes.items()) if outcome == "saved"]
    # Both posts of a pair name the same revision: at most one of them may move it on.
    assert all(sum(1 for p, _ in saved if p == pair) <= 1 for pair in range(PAIRS))
    assert saved
    answer = Answer.objects.get(audit=audit, question__code="FAIR-01")
    last_pair, last_who = saved[-1]
    assert answer.revision == len(saved)
    assert (answer.note_md, answer.value) == (f"{last_who}-{last_pair}", ["yes", "no"][last_who])


@pytest.fixture
def short_busy_timeout():
    """This thread's connection waits half a second for SQLite's lock instead of 20 s."""
    options = connection.settings_dict["OPTIONS"]
    saved = options.get("timeout")
    options["timeout"] = 0.5
    connection.close()
    yield
    options["timeout"] = saved
    connection.close()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's database-wide write lock")
@pytest.mark.django_db(transaction=True)
def test_a_save_that_finds_the_database_locked_is_refused_as_a_conflict(
    audit, auditor, short_busy_timeout
):
    client = _client(auditor)
    data, items = _form_data(client, audit)
    _set(data, items, "FAIR-01", "yes", note="Mine")
    # Another writer (another web worker, say) holds the write lock for longer than the timeout.
    other = sqlite3.connect(connection.settings_dict["NAME"])
    try:
        other.execute("BEGIN IMMEDIATE")
        response = client.post(_url(audit), data)
    finally:
        other.rollback()
        other.close()
    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    assert "Nothing on this page was saved" in response.content.decode()
    assert not Answer.objects.filter(audit=audit).exists()
    # Once the lock is gone, saving again goes through.
    assert client.post(_url(audit), data).status_code == 302
