"""Report building and rendering: plain-data reports, HTML, PDF, JSON/CSV exports and SVG charts.

`run` turns a fairness run's stored document into what the run page and the report show;
`builder` gathers the whole audit as an `AuditReport`; `pdf` and `exports` render it.
"""
