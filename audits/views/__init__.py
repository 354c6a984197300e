"""Web pages of the audits app, one module per domain; each module lists its own `urlpatterns`."""
