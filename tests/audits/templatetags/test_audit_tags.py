"""The audit list's row and option tags write what the template loops they replace wrote."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone
from django.utils.safestring import mark_safe

from audits.scoring import AuditScores, PrincipleScore
from audits.templatetags.audit_tags import (
    audit_row,
    band_badge,
    principle_bars,
    select_options,
    status_badge,
)
from tests.factories import AuditFactory

pytestmark = pytest.mark.django_db


def _principle(name: str, score: float) -> PrincipleScore:
    return PrincipleScore(
        code="fairness",
        name=name,
        score=score,
        band="partial",
        answered=3,
        total=4,
        scored=3,
        waiting_gates=0,
    )


def _scores() -> AuditScores:
    principle = _principle("Fairness <&>", 62.5)
    return AuditScores(principles=[principle], overall=62.5, band="partial", answered=3, total=4)


def test_audit_row_matches_the_template_it_replaces(team, checklist_version):
    audit = AuditFactory(
        team=team,
        checklist_version=checklist_version,
        title="Credit <b>model</b>",
        system_name="Scorer & co",
    )
    audit.updated_at = timezone.now() - timedelta(days=3)
    # The template row as it was before the tag, kept here as the reference.
    reference = Template(
        "{% load audit_tags %}<tr>"
        '<td><a href="{{ audit.get_absolute_url }}">{{ audit.title }}</a><div class="small text-muted">'
        "{{ audit.system_name }} · {{ audit.checklist_version.checklist.title }} "
        "v{{ audit.checklist_version.number }}</div></td>"
        "<td>{{ audit.team }}</td><td>{% status_badge audit.status %}</td>"
        '<td class="num"><span title="{{ s.answered }} of {{ s.total }} answered">'
        "{{ s.overall|score }}</span> {% band_badge s.band %}</td>"
        '<td class="small">{% principle_bars s.principles %}</td>'
        '<td class="small" title="{{ audit.updated_at|date:\'c\' }}">'
        "{{ audit.updated_at|timesince }} ago</td></tr>"
    ).render(Context({"audit": audit, "s": _scores()}))
    row = audit_row(audit, _scores())
    assert row == reference
    assert "Credit &lt;b&gt;model&lt;/b&gt;" in row
    assert "Scorer &amp; co" in row
    assert "Fairness &lt;&amp;&gt;" in row
    assert "3\xa0days ago" in row


def test_audit_row_without_scores_shows_dashes(team, checklist_version):
    audit = AuditFactory(team=team, checklist_version=checklist_version)
    empty = AuditScores(principles=[], overall=None, band="unscored", answered=0, total=5)
    row = audit_row(audit, empty)
    assert '<span title="0 of 5 answered">—</span> ' + band_badge("unscored") in row
    assert status_badge(audit.status) in row


@pytest.mark.parametrize(
    ("selected", "marked"),
    [(None, None), ("", ""), ("2", "2"), (2, "2"), ("9", None)],
)
def test_select_options_marks_the_selected_value_as_text(selected, marked):
    html = select_options([("", "All"), (1, "One <1>"), ("2", "Two")], selected)
    options = {
        "": '<option value="">All</option>',
        "1": '<option value="1">One &lt;1&gt;</option>',
        "2": '<option value="2">Two</option>',
    }
    if marked is not None:
        options[marked] = options[marked].replace('">', '" selected>', 1)
    assert html == "".join(options.values())


def test_principle_bars_escape_names_and_keep_safe_text_apart():
    def bars(name):
        principle = _principle(name, 49.6)
        return principle_bars([principle, principle])

    plain = bars("<b>Fair</b>")
    assert plain.count('title="&lt;b&gt;Fair&lt;/b&gt;: 50"') == 2
    assert '<span style="width: 50%">' in plain
    # The cached part for a str is not reused for equal text already marked safe, nor back.
    assert 'title="<b>Fair</b>: 50"' in bars(mark_safe("<b>Fair</b>"))
    assert bars("<b>Fair</b>") == plain


def test_badges_are_the_same_each_time():
    assert status_badge("draft") == status_badge("draft")
    assert "Draft" in status_badge("draft")
    assert band_badge("nonsense") == band_badge("unscored")
