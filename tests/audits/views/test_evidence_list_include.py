"""templates/audits/includes/evidence_list.html, as the audit and principle pages include it."""

from django.template.loader import render_to_string
from django.test import RequestFactory

from audits.services.evidence import evidence_add_file, evidence_add_link
from tests.audits.evidence_samples import PDF, upload


def render(audit, user, *, question=None, items=(), can_edit=False) -> str:
    request = RequestFactory().get(f"/audits/{audit.pk}/?principle=fairness")
    request.user = user
    context = {
        "audit": audit,
        "question": question,
        "evidence_items": list(items),
        "can_edit": can_edit,
    }
    return render_to_string("audits/includes/evidence_list.html", context, request=request)


def test_lists_files_and_links_with_hash_size_and_author(audit, auditor, question):
    pdf = evidence_add_file(
        audit=audit,
        user=auditor,
        uploaded_file=upload("Model card.pdf", PDF),
        question=question,
        description="Signed card",
    )
    link = evidence_add_link(
        audit=audit, user=auditor, url="https://wiki.example.org/x", question=question
    )
    html = render(audit, auditor, question=question, items=[pdf, link])

    assert "Model card.pdf" in html
    assert f"/audits/{audit.pk}/evidence/{pdf.pk}/download/" in html
    assert f'title="SHA-256 {pdf.sha256}"' in html
    assert pdf.sha256[:12] in html
    assert "Signed card" in html
    assert "auditor" in html
    assert 'href="https://wiki.example.org/x"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert f"/evidence/{link.pk}/download/" not in html  # links have no download


def test_edit_controls_only_when_allowed(audit, auditor, question):
    pdf = evidence_add_file(audit=audit, user=auditor, uploaded_file=upload("a.pdf", PDF))
    read_only = render(audit, auditor, question=question, items=[pdf])
    assert "/delete/" not in read_only
    assert "Add evidence" not in read_only

    editable = render(audit, auditor, question=question, items=[pdf], can_edit=True)
    assert f'action="/audits/{audit.pk}/evidence/{pdf.pk}/delete/"' in editable
    assert "csrfmiddlewaretoken" in editable
    assert f"/audits/{audit.pk}/evidence/add/?question={question.pk}&amp;next=" in editable
    assert f"next=/audits/{audit.pk}/%3Fprinciple%3Dfairness" in editable


def test_empty_state(audit, auditor, question):
    assert "No evidence yet for this question." in render(audit, auditor, question=question)
    assert "No evidence yet." in render(audit, auditor)
