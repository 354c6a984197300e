"""Page-number pagination: `?page=2&page_size=100`, API_PAGE_SIZE by default, API_MAX_PAGE_SIZE at most."""

from django.conf import settings
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
