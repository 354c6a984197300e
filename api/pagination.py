"""Page-number pagination: `?page=2&page_size=100`, API_PAGE_SIZE by default, API_MAX_PAGE_SIZE at most."""

from django.conf import settings
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int | None:
        """A `page_size` that is not a whole number from 1 is refused, not silently ignored."""
        value = request.query_params.getlist(self.page_size_query_param)
        if value and not (
            len(value) == 1 and value[0].isascii() and value[0].isdigit() and int(value[0]) >= 1
        ):
            raise ValidationError(
                {self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]}
            )
        return super().get_page_size(request)
