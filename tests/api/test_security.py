"""The role matrix of the REST API: every route and method, for every role and every kind of token.

The routes are read from the URLconf (the `api:` namespace) and their methods from the views, so a
new route or method fails `test_every_route_has_a_rule` until it is given its rule here: nothing
escapes the access checks by being forgotten.
"""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, get_resolver, reverse

from audits.models import AuditStatus, Role
from audits.permissions import ROLE_ACTIONS, Action
from audits.services.actions import action_create
from audits.services.datasets import dataset_ingest, run_create
from audits.services.evidence import evidence_add_file
from checklists.models import AnswerKind
from tests.audits.dataset_fixtures import *  # noqa: F403  (a checklist with gates; media per test)
from tests.audits.dataset_fixtures import biased_csv, upload_file

from .conftest import error_code, read_download

DOCS = {"api:schema", "api:docs", "api:redoc"}  # public: no data
METHODS = ("get", "post", "put", "patch", "delete")

# (route, method) -> the action it needs on the audit's team; None: any signed-in user.
RULES: dict[tuple[str, str], Action | None] = {
    ("api:team_list", "get"): None,
    ("api:version_list", "get"): None,
    ("api:version_detail", "get"): None,
    ("api:audit_list", "get"): None,
    ("api:audit_list", "post"): Action.CREATE_AUDIT,
    ("api:audit_detail", "get"): Action.VIEW,
    ("api:audit_detail", "patch"): Action.ANSWER,
    ("api:audit_submit", "post"): Action.SUBMIT,
    ("api:audit_reviews", "get"): Action.VIEW,
    ("api:audit_reviews", "post"): Action.REVIEW,
    ("api:audit_archive", "post"): Action.ARCHIVE,
    ("api:audit_reaudit", "post"): Action.REAUDIT,
    ("api:action_list", "get"): Action.VIEW,
    ("api:action_list", "post"): Action.MANAGE_ACTIONS,
    ("api:action_detail", "get"): Action.VIEW,
    ("api:action_detail", "patch"): Action.MANAGE_ACTIONS,
    ("api:prompt_set", "get"): Action.VIEW,
    ("api:prompt_set", "post"): Action.ANSWER,
    ("api:answer_list", "get"): Action.VIEW,
    ("api:answer_detail", "get"): Action.VIEW,
    ("api:answer_detail", "put"): Action.ANSWER,
    ("api:answer_detail", "patch"): Action.ANSWER,
    ("api:answer_confirm_recheck", "post"): Action.ANSWER,
    ("api:evidence_list", "get"): Action.VIEW,
    ("api:evidence_list", "post"): Action.ANSWER,
    ("api:evidence_detail", "get"): Action.VIEW,
    ("api:evidence_detail", "delete"): Action.ANSWER,
    ("api:evidence_download", "get"): Action.VIEW,
    ("api:report_pdf", "get"): Action.VIEW,
    ("api:export_json", "get"): Action.VIEW,
    ("api:answers_csv", "get"): Action.VIEW,
    ("api:metrics_csv", "get"): Action.VIEW,
    ("api:coverage_csv", "get"): Action.VIEW,
    ("api:dataset_list", "get"): Action.VIEW,
    ("api:dataset_list", "post"): Action.ANSWER,
    ("api:dataset_upload", "put"): Action.ANSWER,
    ("api:dataset_detail", "get"): Action.VIEW,
    ("api:run_create", "post"): Action.ANSWER,
    ("api:run_list", "get"): Action.VIEW,
    ("api:run_detail", "get"): Action.VIEW,
    ("api:run_detail", "delete"): Action.ANSWER,
    ("api:run_result", "get"): Action.VIEW,
    ("api:run_retry", "post"): Action.ANSWER,
    ("api:gate_list", "get"): Action.VIEW,
    ("api:gate_detail", "get"): Action.VIEW,
    ("api:gate_override", "post"): Action.ANSWER,
}
# Writes whose team comes from the body (creating an audit), not from an audit in the address.
BODY_TEAM = {("api:audit_list", "post")}
# POSTs a locked audit still takes: archiving an approved audit, re-auditing it, and building a
# prompt set (which stores nothing). Their own tests say what they do on a locked audit.
LOCKED_ALLOWED = {
    ("api:audit_archive", "post"),
    ("api:audit_reaudit", "post"),
    ("api:prompt_set", "post"),
}
# Routes that end the audit's editable life when they succeed: walked last, after deletions.
LAST = {("api:audit_archive", "post")}


def _api_patterns():
    resolver = get_resolver()
    for entry in resolver.url_patterns:
        if getattr(entry, "namespace", None) == "api":
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern) and pattern.name, pattern
                yield f"api:{pattern.name}", pattern


def _routes():
    routes = []
    for name, pattern in _api_patterns():
        if name in DOCS:
            continue
        view = pattern.callback.view_class
        routes += [(name, pattern, method) for method in METHODS if hasattr(view, method)]
    # Deletions last, so the routes after them still find their object; archiving after them all.
    return sorted(routes, key=lambda r: ((r[0], r[2]) in LAST, r[2] == "delete"))


@pytest.fixture
def objects(audit, owner):
    evidence = evidence_add_file(
        audit=audit, user=owner, uploaded_file=SimpleUploadedFile("notes.txt", b"Some notes.")
    )
    # A metric gate: the answer routes and the gate routes both take it.
    question = audit.checklist_version.questions.filter(answer_kind=AnswerKind.GATE).first()
    content = biased_csv()
    dataset = dataset_ingest(
        audit=audit,
        user=owner,
        uploaded_file=upload_file(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    run = run_create(
        dataset=dataset,
        user=owner,
        mapping={"y_true": "label", "y_pred": "pred", "sensitive": ["sex"]},
        options={},
    )
    action = action_create(audit=audit, user=owner, description="Rebalance the training data.")
    return {
        "pk": audit.pk,
        "action_pk": action.pk,
        "evidence_pk": evidence.pk,
        "question_pk": question.pk,
        "version_pk": audit.checklist_version_id,
        "dataset_pk": dataset.pk,
        "run_pk": run.pk,
        "filename": "predictions.csv",
    }


def _url(name, pattern, objects):
    names = set(pattern.pattern.regex.groupindex)
    kwargs = {}
    for key in names:
        if name == "api:version_detail" and key == "pk":
            kwargs[key] = objects["version_pk"]
        else:
            assert key in objects, f"the walker does not know how to fill {key} in {pattern}"
            kwargs[key] = objects[key]
    return reverse(name, kwargs=kwargs)


def _call(client, method, url):
    response = getattr(client, method)(url, {}, format="json")
    if response.streaming:  # a file download: read it, so its file is closed
        read_download(response)
    return response


def test_every_route_has_a_rule():
    routes = {(name, method) for name, _, method in _routes()}
    assert routes == set(RULES), (routes - set(RULES), set(RULES) - routes)
    names = {name for name, _ in _api_patterns()}
    assert names >= DOCS


@pytest.mark.parametrize("who", ["api_anonymous", "api_revoked", "api_expired"])
def test_no_valid_token_is_401_everywhere(request, who, objects):
    client = request.getfixturevalue(who)
    expected = {"api_anonymous": "not_authenticated", "api_revoked": "authentication_failed"}
    for name, pattern, method in _routes():
        response = _call(client, method, _url(name, pattern, objects))
        assert response.status_code == 401, (name, method, response.status_code)
        assert response["WWW-Authenticate"].startswith("Bearer"), name
        assert error_code(response) == expected.get(who, "token_expired"), (name, method)


@pytest.mark.parametrize("role", [Role.OWNER, Role.AUDITOR, Role.REVIEWER, Role.VIEWER])
def test_each_role_gets_exactly_what_permissions_allow(request, role, objects):
    client = request.getfixturevalue(f"api_{role}")
    for name, pattern, method in _routes():
        action = RULES[name, method]
        response = _call(client, method, _url(name, pattern, objects))
        status = response.status_code
        if action is None or action in ROLE_ACTIONS[role]:
            # Allowed: it may still be a 400 (the empty body), never a refusal or an error.
            assert status not in (401, 403, 404, 405) and status < 500, (name, method, status)
        else:
            assert status == 403, (name, method, role, status)
            assert error_code(response) == "permission_denied", (name, method)


def test_an_outsider_gets_404_for_everything_of_another_team(api_outsider, objects):
    for name, pattern, method in _routes():
        if RULES[name, method] is None or (name, method) in BODY_TEAM:
            continue
        response = _call(api_outsider, method, _url(name, pattern, objects))
        assert response.status_code == 404, (name, method, response.status_code)
        assert error_code(response) == "not_found"


def test_an_outsider_sees_none_of_the_team_in_lists(api_outsider, audit):
    assert api_outsider.get(reverse("api:audit_list")).json()["results"] == []
    teams = api_outsider.get(reverse("api:team_list")).json()
    assert [t["slug"] for t in teams] == ["other-team"]
    response = api_outsider.post(
        reverse("api:audit_list"),
        {"team": "credit-team", "title": "t", "system_name": "s", "checklist_version": 1},
        format="json",
    )
    assert response.status_code == 400 and response.json()["errors"][0]["attr"] == "team"


@pytest.mark.parametrize("status", [AuditStatus.APPROVED, AuditStatus.ARCHIVED])
def test_a_locked_audit_refuses_every_write_with_audit_locked(api_owner, audit, objects, status):
    audit.status = status
    audit.save()
    writes = [
        (name, pattern, method)
        for name, pattern, method in _routes()
        if method != "get" and (name, method) not in BODY_TEAM | LOCKED_ALLOWED
    ]
    assert writes
    for name, pattern, method in writes:
        response = _call(api_owner, method, _url(name, pattern, objects))
        assert response.status_code == 403, (name, method, response.status_code)
        assert error_code(response) == "audit_locked", (name, method)
