"""Every write of the audits app, one module per domain. Import from the submodules, e.g.
`from audits.services.answers import answer_save`; views and commands call these and nothing
else saves audit data.
"""
