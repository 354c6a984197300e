"""The framework coverage page and its CSV: member sees it, outsider gets 404, anonymous logs in."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["audits:coverage", "audits:coverage_csv"])
def test_owner_and_viewer_see_the_coverage_outsider_gets_404(
    name, audit, owner_client, viewer_client, outsider_client, client
):
    url = reverse(name, args=[audit.pk])
    assert owner_client.get(url).status_code == 200
    assert viewer_client.get(url).status_code == 200  # read-only roles may read it
    assert outsider_client.get(url).status_code == 404
    assert client.get(url).status_code == 302  # to the login page


def test_the_page_answers_where_the_audit_stands_on_article_10(demo_audit, auditor_client):
    client = auditor_client
    page = client.get(reverse("audits:coverage", args=[demo_audit.pk])).content.decode()
    assert "EU AI Act" in page and "Art. 10" in page
    assert "not covered by this checklist" in page  # Art. 17, for one
    assert reverse("audits:coverage_csv", args=[demo_audit.pk]) in page
    response = client.get(reverse("audits:coverage_csv", args=[demo_audit.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert b"framework,part,subject" in response.content
