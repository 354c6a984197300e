"""Placeholder: filled in by the evidence work."""

urlpatterns: list = []
