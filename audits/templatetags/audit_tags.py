"""Small presentation helpers for audit pages: status badges and role labels."""

from functools import lru_cache

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.timezone import localtime

from audits.labels import INCONCLUSIVE_LABEL, answer_label
from audits.models import AuditStatus
from audits.reports.run.labels import gate_words
from checklists.gates import RUN_KIND_TEXT, gate_run_kind

register = template.Library()

# Colour plus an icon and a word, so status never depends on colour alone.
_STATUS_STYLE: dict[str, tuple[str, str]] = {
    AuditStatus.DRAFT: ("secondary", "✎"),
    AuditStatus.IN_REVIEW: ("primary", "◔"),
    AuditStatus.CHANGES_REQUESTED: ("warning", "↺"),
    AuditStatus.APPROVED: ("success", "✓"),
    AuditStatus.ARCHIVED: ("dark", "▣"),
}


@register.simple_tag
def status_badge(status: str):
    return _status_badge(status)


# Badges and bars are pure functions of a few values that repeat down a list (a status, a band,
# a principle's name and whole score), so each is built once per process: building them again
# for every row was most of the audit list's rendering. `typed`: a SafeString is not a str here.
@lru_cache(maxsize=256, typed=True)
def _status_badge(status: str) -> SafeString:
    colour, icon = _STATUS_STYLE.get(status, ("secondary", "•"))
    label = AuditStatus(status).label if status in AuditStatus.values else status
    text_class = " text-dark" if colour == "warning" else ""
    return format_html(
        '<span class="badge text-bg-{}{}"><span aria-hidden="true">{}</span> {}</span>',
        colour,
        text_class,
        icon,
        label,
    )


_BAND_STYLE = {
    "strong": ("success", "▲", "Strong"),
    "partial": ("warning", "◆", "Partial"),
    "weak": ("danger", "▼", "Weak"),
    "unscored": ("secondary", "–", "Not scored"),
    "incomplete": ("secondary", "…", "Incomplete"),
}


@register.simple_tag
def band_badge(band: str):
    return _band_badge(band)


@lru_cache(maxsize=256, typed=True)
def _band_badge(band: str) -> SafeString:
    colour, icon, label = _BAND_STYLE.get(band, _BAND_STYLE["unscored"])
    text_class = " text-dark" if colour == "warning" else ""
    return format_html(
        '<span class="badge text-bg-{}{}"><span aria-hidden="true">{}</span> {}</span>',
        colour,
        text_class,
        icon,
        label,
    )


# A gate's answer: an icon and a word with the colour; inconclusive is never shown as a pass.
_GATE_STYLE = {
    "pass": ("success", "✓", "Passes"),
    "fail": ("danger", "✗", "Fails"),
    "inconclusive": ("warning", "?", INCONCLUSIVE_LABEL),
    "na": ("secondary", "–", "Not applicable"),
}


@register.simple_tag
def gate_badge(value: str):
    """The badge of a gate answer ("not answered" in muted text without one)."""
    if value not in _GATE_STYLE:
        return format_html('<span class="text-muted">{}</span>', "not answered")
    colour, icon, label = _GATE_STYLE[value]
    text_class = " text-dark" if colour == "warning" else ""
    return format_html(
        '<span class="badge text-bg-{}{}"><span aria-hidden="true">{}</span> {}</span>',
        colour,
        text_class,
        icon,
        label,
    )


@register.filter
def score(value) -> str:
    """A 0-100 score as a whole number, or an em dash when there is none yet."""
    return "—" if value is None else f"{value:.0f}"


@register.simple_tag
def principle_bars(principles):
    """The audit list's per-principle mini bars: name, bar and score of each principle.

    One tag in Python rather than a template loop: the list draws it 25 times a page, and the
    loop's filters were a third of the page's time (bench/README.md, "Pages under load").
    """
    return format_html_join(
        "",
        "{}",
        ((_principle_bar(p.name, score(p.score), round(p.score or 0)),) for p in principles),
    )


@lru_cache(maxsize=4096, typed=True)
def _principle_bar(name: str, shown: str, width: int) -> SafeString:
    return format_html(
        '<div class="d-flex align-items-center gap-1" title="{}: {}">'
        '<span class="principle-label">{}</span><span class="mini-bar" aria-hidden="true">'
        '<span style="width: {}%"></span></span><span class="num">{}</span></div>',
        name,
        shown,
        name,
        width,
        shown,
    )


@register.simple_tag
def audit_row(audit, scores) -> SafeString:
    """One row of the audit list: the audit, its team, status, scores and its last change.

    Written out in Python like `principle_bars`: the list draws 25 of them, and the template's
    per-row lookups, filters and tags were most of the page's rendering (bench/README.md).
    """
    version = audit.checklist_version
    return format_html(
        '<tr><td><a href="{}">{}</a><div class="small text-muted">{} · {} v{}</div></td>'
        "<td>{}</td><td>{}</td>"
        '<td class="num"><span title="{} of {} answered">{}</span> {}</td>'
        '<td class="small">{}</td>'
        '<td class="small" title="{}">{} ago</td></tr>',
        audit.get_absolute_url(),
        audit.title,
        audit.system_name,
        version.checklist.title,
        version.number,
        audit.team,
        status_badge(audit.status),
        scores.answered,
        scores.total,
        score(scores.overall),
        band_badge(scores.band),
        principle_bars(scores.principles),
        localtime(audit.updated_at).isoformat(),
        timesince(audit.updated_at),
    )


# A constant attribute, safe as written.
_SELECTED = SafeString(" selected")


@register.simple_tag
def select_options(choices, selected) -> SafeString:
    """A select's options, the one whose value reads as `selected` (both as text) marked.

    The audit list's team filter lists every team of the user: a template loop with two filters
    per option cost more than the rest of the form.
    """
    chosen = f"{selected}"
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, _SELECTED if f"{value}" == chosen else "", label) for value, label in choices),
    )


@register.filter
def percent(value) -> str:
    """A 0-1 fraction as a whole percentage."""
    return "—" if value is None else f"{100 * value:.0f}%"


@register.filter
def percent_number(value) -> int:
    """A 0-1 fraction as a whole number 0-100, for widths and aria values."""
    return 0 if value is None else round(100 * value)


# The label logic lives in a plain module, which the report builder uses too.
register.simple_tag(answer_label)


@register.filter
def get_item(mapping, key):
    """`mapping|get_item:key` for dicts keyed by ids in templates."""
    return mapping.get(key) if mapping else None


@register.filter
def gate_description(gate) -> str:
    """A gate in words, e.g. "selection-rate ratio (demographic parity) ≥ 0.8 on every grouping"."""
    return gate_words(gate) if gate else "—"


@register.filter
def gate_is_llm(gate) -> bool:
    """Whether LLM runs answer the gate (a text-engine metric), not predictions runs."""
    return bool(gate) and gate_run_kind(gate) == RUN_KIND_TEXT
