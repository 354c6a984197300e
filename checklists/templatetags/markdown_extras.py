"""`{% load markdown_extras %}{{ question.guidance_md|markdown }}`: sanitised Markdown."""

from django import template
from django.utils.safestring import SafeString

from checklists.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> SafeString:
    return render_markdown(text)
