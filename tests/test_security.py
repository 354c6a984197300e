"""Walk every URL pattern of the project: who gets in, who gets 404 or 403, and CSRF on every form.

New URL patterns are picked up automatically; one the walker cannot fill in fails the test, so
nothing escapes the access checks by being forgotten here. The REST API (`api:`) answers 401 rather
than a login redirect; tests/api/test_security.py walks it the same way.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audits.models import Dataset, Evidence, FairnessRun, RemediationAction

# Endpoints that change something; everything else must be a read.
WRITE_ENDPOINTS = {
    "audits:create",
    "audits:edit",
    "audits:submit",
    "audits:review",
    "audits:archive",
    "audits:reaudit",
    "audits:principle",
    "audits:dataset_upload",
    "audits:dataset_map",
    "audits:run_retry",
    "audits:gate_override",
    "audits:evidence_add",
    "audits:evidence_delete",
    "audits:action_create",
    "audits:action_edit",
    "audits:prompt_set",  # its POST builds the prompts download: for those who may answer
}
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


def _named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in ("admin", "api"):
                continue
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _kwargs_for(pattern: URLPattern, objects: dict) -> dict:
    names = set(pattern.pattern.regex.groupindex)
    unknown = names - set(objects)
    assert not unknown, f"the walker does not know how to fill {unknown} in {pattern.pattern}"
    return {name: objects[name] for name in names}


@pytest.fixture
def team_objects(audit, owner):
    dataset = Dataset.objects.create(
        audit=audit,
        file="datasets/x.csv",
        storage_token="t" * 32,
        original_name="x.csv",
        sha256="0" * 64,
        size=10,
        preview={"columns": ["a"]},
    )
    run = FairnessRun.objects.create(dataset=dataset, config={}, created_by=owner)
    evidence = Evidence.objects.create(audit=audit, url="https://example.org", uploaded_by=owner)
    action = RemediationAction.objects.create(audit=audit, description="Fix it", created_by=owner)
    question = audit.checklist_version.questions.first()
    return {
        "pk": audit.pk,
        "principle": "fairness",
        "dataset_pk": dataset.pk,
        "run_pk": run.pk,
        "evidence_pk": evidence.pk,
        "action_pk": action.pk,
        "question_pk": question.pk,
    }


def _urls(objects):
    for name, pattern in _named_patterns():
        if name in PUBLIC or name.startswith("password_change"):
            continue
        yield name, reverse(name, kwargs=_kwargs_for(pattern, objects))


def test_the_walker_sees_every_audits_url(team_objects):
    names = {name for name, _ in _urls(team_objects)}
    assert names >= WRITE_ENDPOINTS
    assert {"home", "audits:list", "audits:detail", "audits:report_pdf"} <= names


def test_anonymous_is_sent_to_login_everywhere(client, team_objects):
    for name, url in _urls(team_objects):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, (name, method, response.status_code)
            assert response.url.startswith(reverse("login")), (name, method)


def test_outsider_gets_404_on_everything_of_another_team(outsider_client, team_objects):
    for name, url in _urls(team_objects):
        # Not team work: the user's own pages (their API tokens, only ever their own).
        if name in {"home", "audits:list", "audits:create", "api_tokens:list", "api_tokens:revoke"}:
            continue
        # 405 (wrong method) is answered before any lookup, so it discloses nothing; the
        # method the view takes must answer 404.
        codes = {m: getattr(outsider_client, m)(url).status_code for m in ("get", "post")}
        assert set(codes.values()) <= {404, 405}, (name, codes)
        assert 404 in codes.values(), (name, codes)


def test_viewer_gets_403_on_every_write_endpoint(viewer_client, team_objects):
    for name, url in _urls(team_objects):
        if name in WRITE_ENDPOINTS:
            response = viewer_client.post(url, {})
            assert response.status_code == 403, (name, response.status_code)


def test_no_write_endpoint_accepts_a_post_without_csrf_token(owner, team_objects):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    for name, url in _urls(team_objects):
        if name in WRITE_ENDPOINTS:
            response = client.post(url, {})
            assert response.status_code == 403, (name, response.status_code)
            assert b"CSRF" in response.content, name


_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)


def test_every_post_form_carries_a_csrf_token(owner_client, team_objects):
    checked = 0
    for name, url in _urls(team_objects):
        response = owner_client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for attributes, body in _FORM.findall(response.content.decode()):
            if re.search(r"method\s*=\s*[\"']?post", attributes, re.I):
                checked += 1
                assert 'name="csrfmiddlewaretoken"' in body, (name, attributes)
    assert checked >= 5
