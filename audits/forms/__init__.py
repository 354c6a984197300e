"""Forms of the audits app, one module per domain: they validate and normalise; services write."""
