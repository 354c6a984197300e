"""Small presentation helpers for audit pages: status badges and role labels."""

from django import template
from django.utils.html import format_html

from audits.models import AuditStatus

register = template.Library()

# Colour plus an icon and a word, so status never depends on colour alone.
_STATUS_STYLE = {
    AuditStatus.DRAFT: ("secondary", "✎"),
    AuditStatus.IN_REVIEW: ("primary", "⧗"),
    AuditStatus.CHANGES_REQUESTED: ("warning", "↺"),
    AuditStatus.APPROVED: ("success", "✓"),
    AuditStatus.ARCHIVED: ("dark", "▣"),
}


@register.simple_tag
def status_badge(status: str):
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
