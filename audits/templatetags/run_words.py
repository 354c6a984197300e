"""The words of a run for templates: check names and warnings as a reader reads them.

Thin wrappers over `audits.reports.run.labels` and `findings`, so the run page, the mapping
page's gate checks and the report (page and PDF) say the same thing in the same words.
"""

from django import template

from audits.reports.run.findings import reader_warnings as _reader_warnings
from audits.reports.run.labels import check_words as _check_words

register = template.Library()


@register.filter
def check_words(check: object) -> str:
    """`{{ check|check_words }}`: a metric name, a configured check or a shown check in words."""
    return _check_words(check)


@register.filter
def reader_warnings(result: dict | None) -> list[str]:
    """`{% for w in run.result|reader_warnings %}`: the run's warnings in words, each once."""
    return _reader_warnings(result if isinstance(result, dict) else None)
