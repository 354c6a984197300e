"""A page of an audit list, read without counting the whole list."""

from dataclasses import dataclass

from django.db.models import QuerySet

from audits.models import Audit

MAX_PAGE_NUMBER = 1_000_000


@dataclass(frozen=True)
class AuditPage:
    """One page of an audit list: its audits, its number and whether a next page exists.

    Not Django's `Page`: that one counts every matching audit to know the number of pages, a
    count that grows with the data (at 20,000 audits it cost more than the rest of the page).
    """

    audits: list[Audit]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def audit_page(audits: QuerySet[Audit], *, number: str | int | None, per_page: int) -> AuditPage:
    """Page `number` (counted from 1) of `audits`, in one query of `per_page` + 1 rows.

    A page number that is not a positive whole number is the first page; a page past the end
    is the first page too (the list changed, or the address was edited), as `Paginator.get_page`
    forgives bad page numbers.
    """
    try:
        page = max(1, int(number or 1))
    except (TypeError, ValueError):
        page = 1
    if page > MAX_PAGE_NUMBER:  # past any real list, and an OFFSET PostgreSQL can still take
        page = 1
    start = (page - 1) * per_page
    rows = list(audits[start : start + per_page + 1])
    if not rows and page > 1:
        return audit_page(audits, number=1, per_page=per_page)
    return AuditPage(audits=rows[:per_page], number=page, has_next=len(rows) > per_page)
