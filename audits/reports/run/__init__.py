"""One presentation of a fairness run: its stored fairness-report/1 document as plain dataclasses.

The run page, the report page and the PDF all show a run through these objects (and one grouping
template), so a flag, a note or a rounded number reads the same everywhere:

- `numbers`: how figures are written (rates to 3 decimals, ratios to 2, undefined never 0);
- `checks`: the one rule for "the same check" (also configuring a run's gate checks) and each
  check as a `CheckResult`;
- `groupings`: per grouping its flags, notes, rows, disparities and charts;
- `impact`: per grouping the LL144 impact-ratio table.

Import from the submodules: `checks` needs neither Django nor matplotlib, so the gate service
can use its rule without loading the charts.
"""
