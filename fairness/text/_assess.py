"""``assess_responses``: a responses file in, an ``llm-fairness-report/1`` document out."""

from __future__ import annotations

import importlib.metadata
from collections import Counter
from collections.abc import Sequence
from typing import Any

from .._report import ENGINE_VERSION
from .._source import Source
from ._checks import TextCheck, evaluate_checks, text_summary
from ._collect import Collected, collect, decision_coding
from ._defaults import (
    DEFAULT_BATCH_ROWS,
    DEFAULT_BOOTSTRAP_DRAWS,
    DEFAULT_EXAMPLE_CHARS,
    DEFAULT_EXAMPLES_PER_KIND,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_GROUPS,
    DEFAULT_REFUSAL_PATTERNS,
    DEFAULT_SEED,
    DEFAULT_SENTIMENT_THRESHOLD,
    DEFAULT_TOXICITY_THRESHOLD,
    DEFAULT_WORKERS,
)
from ._errors import (
    DUPLICATE_SAMPLE,
    FEWER_THAN_TWO_GROUPS,
    HEADER_ONLY,
    NO_COMPLETE_PAIRS,
    RESPONSE_NOT_TEXT,
    UNKNOWN_REFERENCE_GROUP,
    text_error,
)
from ._input import open_responses
from ._mapping import ResponseMapping
from ._metrics import COMPARISON_METRICS, Calculator, match_units
from ._report import SCHEMA, TextReport, examples

_LIBRARIES = ("vaderSentiment", "rouge-score", "rapidfuzz", "nltk", "numpy", "scipy", "pyarrow")
BAD_WORKERS = "workers must be a positive integer; got {value!r}."
BAD_DRAWS = "bootstrap_draws must be a non-negative integer; got {value!r}."


def _versions() -> dict[str, str]:
    out = {}
    for name in _LIBRARIES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "unknown"
    out["engine"] = ENGINE_VERSION
    return out


def _validate(state: Collected, columns: list[str]) -> None:
    if state.rows == 0:
        raise text_error(HEADER_ONLY, columns=", ".join(columns))
    if state.text_responses and state.numeric_responses == state.text_responses:
        raise text_error(RESPONSE_NOT_TEXT, column=state.mapping.response, what="only numbers")
    if len(state.groups) < 2:
        count = "one group, " + ", ".join(f"'{g}'" for g in state.groups)
        raise text_error(FEWER_THAN_TWO_GROUPS, column=state.mapping.group, count=count)
    if state.mapping.sample:
        names = list(state.pairs)
        groups = list(state.groups)
        for (p, g), records in state.cells.items():
            seen: set[str] = set()
            for record in records:
                if record.sample is None:
                    continue
                if record.sample in seen:
                    raise text_error(DUPLICATE_SAMPLE, pair_id=names[p], group=groups[g],
                                     sample=record.sample, row=record.row)  # fmt: skip
                seen.add(record.sample)


def _reference(state: Collected, requested: str | None) -> str:
    if requested is not None:
        if requested not in state.groups:
            raise text_error(UNKNOWN_REFERENCE_GROUP, group=requested,
                             groups=", ".join(f"'{g}'" for g in sorted(state.groups)))  # fmt: skip
        return requested
    counts: Counter[str] = Counter()
    index = {g: name for name, g in state.groups.items()}
    for (_, g), records in state.cells.items():
        counts[index[g]] += len(records)
    return min(counts, key=lambda name: (-counts[name], name))


def assess_responses(
    source: Source,
    mapping: ResponseMapping,
    *,
    checks: Sequence[TextCheck | str] = (),
    reference_group: str | None = None,
    refusal_patterns: Sequence[str] = DEFAULT_REFUSAL_PATTERNS,
    bootstrap_draws: int = DEFAULT_BOOTSTRAP_DRAWS,
    seed: int = DEFAULT_SEED,
    max_groups: int = DEFAULT_MAX_GROUPS,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    toxicity_threshold: float = DEFAULT_TOXICITY_THRESHOLD,
    sentiment_threshold: float = DEFAULT_SENTIMENT_THRESHOLD,
    examples_per_kind: int = DEFAULT_EXAMPLES_PER_KIND,
    example_chars: int = DEFAULT_EXAMPLE_CHARS,
    workers: int = DEFAULT_WORKERS,
    file_format: str | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    app_version: str | None = None,
) -> TextReport:
    """Measure the counterfactual fairness of an LLM's responses.

    Parameters
    ----------
    source : path or binary file object
        CSV (comma, semicolon or tab; may be gzip), JSON Lines (may be gzip) or Parquet; the
        format is detected from the content unless ``file_format`` names it.
    mapping : ResponseMapping
        Which column is ``pair_id``, ``group``, ``response`` and the optional roles.
    checks : sequence of TextCheck or str
        ``"metric op threshold"`` rules, evaluated on every group against the reference (for a
        comparison metric) or on every group (for a per-group metric).
    reference_group : str, optional
        Default: the group with the most responses (ties by name).
    refusal_patterns : sequence of str
        Case-insensitive regular expressions; empty text is always a refusal.
    bootstrap_draws, seed : int
        Resamples of the pair_ids for the intervals, and their seed.
    max_groups, max_bytes : int
        Limits: more groups, or a larger file, is a ``DatasetError``.
    toxicity_threshold, sentiment_threshold : float
        Above them a response is toxic, or negative for ``sentiment_bias_weak`` (both 0.5).
    examples_per_kind, example_chars : int
        Examples shown per kind, and characters of each response shown.
    workers : int
        Processes that score the responses (VADER, tokens); 1 scores in this process.

    Returns
    -------
    TextReport
        ``report.to_dict()`` is the ``llm-fairness-report/1`` document.

    Raises
    ------
    DatasetError
        For bad input, with a stable ``code`` (``TEXT_ERROR_CODES``).
    ValueError
        For a bad option or check.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(BAD_WORKERS.format(value=workers))
    if (
        isinstance(bootstrap_draws, bool)
        or not isinstance(bootstrap_draws, int)
        or bootstrap_draws < 0
    ):
        raise ValueError(BAD_DRAWS.format(value=bootstrap_draws))
    parsed = [c if isinstance(c, TextCheck) else TextCheck.parse(c) for c in checks]
    patterns = tuple(refusal_patterns)
    mapping.validate()
    opened = open_responses(source, mapping, max_bytes=max_bytes, batch_rows=batch_rows,
                            file_format=file_format)  # fmt: skip
    try:
        state = collect(opened, refusal_patterns=patterns, max_groups=max_groups,
                        workers=workers, example_chars=example_chars)  # fmt: skip
        sha = opened.sha256()
    finally:
        opened.close()
    _validate(state, opened.columns)
    reference = _reference(state, reference_group)
    coding = decision_coding(state) if mapping.decision else {}
    warnings: list[str] = []

    groups_of_pair: dict[int, set[int]] = {}
    for p, g in state.cells:
        groups_of_pair.setdefault(p, set()).add(g)
    names = list(state.pairs)
    single = sorted(names[p] for p, gs in groups_of_pair.items() if len(gs) < 2)
    if len(single) == len(names):
        raise text_error(NO_COMPLETE_PAIRS)
    if single:
        shown = ", ".join(f"'{p}'" for p in single[:10])
        more = f" and {len(single) - 10} more" if len(single) > 10 else ""
        warnings.append(
            f"{len(single)} pair_id(s) have responses of one group only and are left out of the "
            f"comparisons: {shown}{more}."
        )
    if state.missing_toxicity:
        warnings.append(f"{state.missing_toxicity} response(s) have no toxicity score.")

    calculator = Calculator(state, reference, coding, draws=bootstrap_draws, seed=seed,
                            toxicity_threshold=toxicity_threshold,
                            sentiment_threshold=sentiment_threshold)  # fmt: skip
    calculator.register_groups()
    prepared, all_units, empty = [], [], []
    for group in sorted(state.groups):
        if group == reference:
            continue
        units = match_units(state, group, reference)
        if units.unmatched:
            how = "sample value" if mapping.sample else "position"
            warnings.append(
                f"{units.unmatched} generation(s) of '{group}' or '{reference}' have no "
                f"counterpart (by {how}) in the other group and are left out of that comparison."
            )
        if not units.pairs:
            empty.append(group)
            warnings.append(f"Group '{group}' shares no pair_id with '{reference}'.")
            continue
        all_units.append(units)
        prepared.append(calculator.prepare_comparison(units))
    calculator.boot.run()
    group_results = calculator.group_results()
    comparisons = [calculator.comparison_result(item) for item in prepared]
    for group in empty:
        comparisons.append({
            "group": group, "reference": reference, "pairs": 0, "units": 0,
            "metrics": dict.fromkeys(COMPARISON_METRICS), "intervals": {}, "tests": {},
            "undefined": dict.fromkeys(COMPARISON_METRICS, f"no pair_id shared with '{reference}'"),
        })  # fmt: skip
    comparisons.sort(key=lambda item: item["group"])
    for result in group_results:
        if result["responses"] < 30:
            warnings.append(
                f"Group '{result['group']}' has {result['responses']} responses: its intervals "
                "are wide."
            )
    check_results = evaluate_checks(
        parsed, group_results, comparisons, bootstrapped=bootstrap_draws > 0
    )
    for check in check_results:
        if check["passed"] is None:
            warnings.append(f"Check {check['metric']} on '{check['group']}': {check['reason']}.")
    columns = mapping.to_dict()
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "input": {
            "sha256": sha,
            "format": opened.format,
            "rows": state.rows,
            "pairs": len(state.pairs),
            "complete_pairs": len(names) - len(single),
            "groups": len(state.groups),
            "columns": columns,
        },
        "versions": _versions(),
        "reference_group": reference,
        "refusal_patterns": list(patterns),
        "settings": {
            "bootstrap_draws": bootstrap_draws,
            "seed": seed,
            "toxicity_threshold": toxicity_threshold,
            "sentiment_threshold": sentiment_threshold,
            "matching": "sample" if mapping.sample else "order",
            "interval_methods": {
                "shares": "wilson",
                "means and comparisons": "bootstrap over pair_ids",
            },
            "tests": {
                "mcnemar": "exact binomial (scipy binomtest)",
                "wilcoxon": "scipy.stats.wilcoxon, zeros dropped",
            },  # fmt: skip
        },
        "groups": group_results,
        "comparisons": comparisons,
        "checks": check_results,
        "summary": text_summary(check_results),
        "examples": examples(
            state, all_units, coding, reference=reference, per_kind=examples_per_kind
        ),
        "single_group_pairs": single[:100],
        "warnings": warnings,
    }
    if app_version is not None:
        document["versions"]["app"] = app_version
    return TextReport(document)
