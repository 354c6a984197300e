"""The prompt-set page: who may see it and download, what the CSV holds, and bad input as form errors."""

import csv
import io

import pytest
from django.urls import reverse

from audits.forms.prompts import (
    EXAMPLE_GROUPS,
    EXAMPLE_TEMPLATES,
    MAX_GROUPS,
    MAX_TEMPLATE_CHARS,
    MAX_TEMPLATES,
    template_lines,
)
from fairness.text import build_prompt_set


def _url(audit) -> str:
    return reverse("audits:prompt_set", args=[audit.pk])


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def _post(client, audit, templates: str, groups: str = "male, female, nonbinary"):
    return client.post(_url(audit), {"templates": templates, "groups": groups})


# --- who -------------------------------------------------------------------------------------


def test_owner_sees_the_form_prefilled_with_an_example(owner_client, audit):
    response = owner_client.get(_url(audit))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Build a prompt set" in page
    assert "Download prompts CSV" in page
    assert "{group} customer and my parcel is five days late" in page
    assert EXAMPLE_GROUPS in page
    assert "LLM responses" in page
    assert reverse("audits:dataset_upload", args=[audit.pk]) in page
    assert response.context["form"].initial == {
        "templates": EXAMPLE_TEMPLATES,
        "groups": EXAMPLE_GROUPS,
    }


def test_owner_and_auditor_download_the_prompts(owner_client, auditor_client, audit):
    for client in (owner_client, auditor_client):
        response = _post(client, audit, "I'm a {group} customer. Where is my parcel?")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="audit-{audit.pk}-prompts.csv"'
        )
        assert _csv_rows(response) == [
            ["pair_id", "group", "prompt"],
            ["1", "male", "I'm a male customer. Where is my parcel?"],
            ["1", "female", "I'm a female customer. Where is my parcel?"],
            ["1", "nonbinary", "I'm a nonbinary customer. Where is my parcel?"],
        ]


@pytest.mark.parametrize("role_client", ["viewer_client", "reviewer_client"])
def test_members_who_may_not_answer_read_the_page_but_cannot_download(request, role_client, audit):
    client = request.getfixturevalue(role_client)
    response = client.get(_url(audit))
    assert response.status_code == 200
    assert "disabled" in response.content.decode()
    assert _post(client, audit, "I'm a {group} customer.").status_code == 403


def test_outsiders_get_404(outsider_client, audit):
    assert outsider_client.get(_url(audit)).status_code == 404
    assert _post(outsider_client, audit, "I'm a {group} customer.").status_code == 404


def test_the_audit_page_links_to_it(owner_client, audit):
    page = owner_client.get(audit.get_absolute_url()).content.decode()
    assert _url(audit) in page


# --- what ------------------------------------------------------------------------------------


def test_the_example_builds_the_engines_prompt_set(owner_client, audit):
    response = _post(owner_client, audit, EXAMPLE_TEMPLATES, EXAMPLE_GROUPS)
    rows = _csv_rows(response)
    expected = build_prompt_set(template_lines(EXAMPLE_TEMPLATES), ["male", "female", "nonbinary"])
    assert rows[1:] == [[r["pair_id"], r["group"], r["prompt"]] for r in expected]
    assert len(rows) == 1 + 4 * 3  # the comment line is not a template
    # The template without {group} has its gendered words swapped.
    swapped = {r[1]: r[2] for r in rows if r[0] == "4"}
    assert swapped["male"].startswith("My husband wants to return a jacket he bought")
    assert swapped["nonbinary"].startswith("My spouse wants to return a jacket they bought")


def test_cells_that_a_spreadsheet_would_run_are_neutralised(owner_client, audit):
    response = _post(owner_client, audit, '=HYPERLINK("x") {group}', "@male, -female")
    rows = _csv_rows(response)
    assert rows[1] == ["1", "'@male", '\'=HYPERLINK("x") @male']
    assert rows[2] == ["1", "'-female", '\'=HYPERLINK("x") -female']


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("templates", "groups", "field", "words"),
    [
        ("Where is my parcel?", "male, female", "templates", "no {group} placeholder"),
        ("My wife is angry.", "young, old", "templates", "Word swaps know the groups"),
        ("I'm a {group} customer.", "male", "groups", "at least two groups"),
        ("I'm a {group} customer.", "male, , ", "groups", "at least two groups"),
        ("I'm a {group} customer.", "male, Male", "groups", "given twice"),
        ("I'm a {group} customer.", ", ".join(f"g{i}" for i in range(MAX_GROUPS + 1)), "groups", f"At most {MAX_GROUPS} groups"),
        ("I'm a {group} customer.", "male, " + "x" * 41, "groups", "at most 40 characters"),
        ("\n".join(["I'm a {group} customer."] * (MAX_TEMPLATES + 1)), "male, female", "templates", f"At most {MAX_TEMPLATES} templates"),
        ("{group} " + "x" * MAX_TEMPLATE_CHARS, "male, female", "templates", "longer than"),
        ("# only a comment\n\n", "male, female", "templates", "at least one template"),
        ("", "male, female", "templates", "required"),
    ],
)  # fmt: skip
def test_bad_input_is_a_form_error(owner_client, audit, templates, groups, field, words):
    response = _post(owner_client, audit, templates, groups)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert words in errors, response.context["form"].errors


def test_a_box_too_large_is_refused_before_reading_templates(owner_client, audit):
    response = _post(owner_client, audit, "{group} customer\n" * 20_000, "male, female")
    assert response.status_code == 200
    assert "at most 200000 characters" in " ".join(response.context["form"].errors["templates"])
