from django.urls import reverse

from audits.models import Audit
from tests.factories import AuditFactory


def test_home_requires_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_home_shows_own_teams_audits_only(auditor_client, audit, other_team):
    foreign = AuditFactory(team=other_team, checklist_version=audit.checklist_version)
    response = auditor_client.get(reverse("home"))
    assert response.status_code == 200
    assert audit.title in response.text
    assert foreign.title not in response.text
    assert "Credit team" in response.text


def test_home_offers_start_an_audit_to_those_who_may(auditor_client, viewer_client, audit):
    create = reverse("audits:create")
    assert f'href="{create}">Start an audit' in auditor_client.get(reverse("home")).text
    assert create not in viewer_client.get(reverse("home")).text  # a viewer may not start one


def test_home_empty_state_for_user_without_team(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("lonely", password="pw"))
    response = client.get(reverse("home"))
    assert "You are not in a team yet" in response.text


def test_audit_list_shows_only_own_teams(outsider_client, audit):
    response = outsider_client.get(reverse("audits:list"))
    assert response.status_code == 200
    assert audit.title not in response.text


def test_audit_list_filters_by_team(owner_client, audit, owner, other_team):
    response = owner_client.get(reverse("audits:list"), {"team": audit.team.pk})
    assert audit.title in response.text
    # A team the user does not belong to is not a valid filter: the form ignores it.
    response = owner_client.get(reverse("audits:list"), {"team": other_team.pk})
    assert response.status_code == 200


def test_audit_detail_for_member(viewer_client, audit):
    response = viewer_client.get(reverse("audits:detail", args=[audit.pk]))
    assert response.status_code == 200
    assert audit.system_name in response.text


def test_audit_detail_404_for_outsider(outsider_client, audit):
    assert outsider_client.get(reverse("audits:detail", args=[audit.pk])).status_code == 404


def test_audit_detail_redirects_anonymous_to_login(client, audit):
    response = client.get(reverse("audits:detail", args=[audit.pk]))
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_login_and_logout(client, auditor):
    response = client.post(reverse("login"), {"username": "auditor", "password": "pw"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_a_reaudit_page_says_answers_are_being_copied_until_done(owner_client, audit):
    new_audit = AuditFactory(team=audit.team, previous_audit=audit, copying_answers=True)
    body = owner_client.get(new_audit.get_absolute_url()).content.decode()
    assert f"Copying answers from audit #{audit.pk}…" in body
    assert "Edit details" not in body  # not editable until the copy is done

    Audit.objects.filter(pk=new_audit.pk).update(copying_answers=False)
    body = owner_client.get(new_audit.get_absolute_url()).content.decode()
    assert "Copying answers" not in body
    assert "Edit details" in body


def test_audit_list_pages_forward_and_back_keeping_the_filter(owner_client, audit, team):
    for _ in range(25):
        AuditFactory(team=team, checklist_version=audit.checklist_version)
    first = owner_client.get(reverse("audits:list"), {"team": team.pk}).text
    assert "Page 1<" in first
    assert f"?team={team.pk}&amp;page=2" in first
    assert ">Previous<" not in first
    second = owner_client.get(reverse("audits:list"), {"team": team.pk, "page": 2}).text
    assert "Page 2<" in second
    assert f"?team={team.pk}&amp;page=1" in second
    assert ">Next<" not in second
    assert second.count("<tr>") == 1 + 1  # the header and the one audit left over
    # A page past the end shows the first one.
    assert "Page 1<" in owner_client.get(reverse("audits:list"), {"page": 9}).text


def test_audit_list_marks_the_chosen_filters(owner_client, audit, team):
    html = owner_client.get(reverse("audits:list"), {"team": team.pk, "status": "draft"}).text
    assert f'<option value="{team.pk}" selected>{team.name}</option>' in html
    assert '<option value="draft" selected>Draft</option>' in html
    assert '<option value="" selected>' not in html
