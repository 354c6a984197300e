"""The words a reader uses for the engine's names: one table for checks, flags, warnings and tags.

The engine names a measure `impact_ratio` or `false_positive_rate_difference`; a reader of the run
page or the PDF reads "selection-rate impact ratio" or "false-positive-rate difference". Every
place that shows a check's name goes through `metric_words` or `check_words` (the template filter
`check_words` too), so the page, the gate checks, the action drafts and the report say the same.

fairlearn's named disparities keep their name in parentheses ("selection-rate ratio (demographic
parity)"), so a reader can match them with fairlearn's documentation and the exports.
"""

from checklists.gates import COMPARISON_SYMBOLS, describe_gate, is_number

# A per-group measure as a noun and as the modifier of "difference" / "ratio" (a rate's is
# hyphenated, "false-positive-rate difference"), with an optional explanation in parentheses.
MEASURES: dict[str, tuple[str, str, str]] = {
    "selection_rate": ("selection rate", "selection-rate", ""),
    "scoring_rate": ("scoring rate", "scoring-rate", "score above the median"),
    "base_rate": ("base rate", "base-rate", "share with the favourable outcome"),
    "accuracy": ("accuracy", "accuracy", ""),
    "balanced_accuracy": ("balanced accuracy", "balanced-accuracy", ""),
    "precision": ("precision", "precision", ""),
    "recall": ("recall", "recall", "true-positive rate"),
    "true_positive_rate": ("true-positive rate", "true-positive-rate", ""),
    "false_positive_rate": ("false-positive rate", "false-positive-rate", ""),
    "false_negative_rate": ("false-negative rate", "false-negative-rate", ""),
    "true_negative_rate": ("true-negative rate", "true-negative-rate", ""),
    "f1": ("F1 score", "F1-score", ""),
    "roc_auc": ("ROC AUC", "ROC AUC", ""),
    # Regression: values in the target's unit.
    "mean_prediction": ("mean prediction", "mean prediction", ""),
    "mean_target": ("mean target", "mean target", ""),
    "mean_absolute_error": ("mean absolute error", "mean absolute error", ""),
    "root_mean_squared_error": ("root mean squared error", "root mean squared error", ""),
    "r2": ("R²", "R²", ""),
    "mean_error": ("mean error", "mean error", "prediction − target"),
    # LLM responses, per group.
    "refusal_rate": ("refusal rate", "refusal-rate", ""),
    "mean_tokens": ("mean length in tokens", "length", ""),
    "sentiment_neg": ("negative sentiment", "negative-sentiment", "VADER neg"),
    "sentiment_pos": ("positive sentiment", "positive-sentiment", "VADER pos"),
    "sentiment_compound": ("overall sentiment", "overall-sentiment", "VADER compound"),
    "toxic_fraction": ("share of toxic responses", "toxic-share", ""),
    "expected_maximum_toxicity": ("expected maximum toxicity", "maximum-toxicity", ""),
    "toxicity_probability": ("toxicity probability", "toxicity-probability", ""),
}
# Names that are not "<measure>_difference" / "<measure>_ratio", or whose words differ.
NAMED: dict[str, str] = {
    "impact_ratio": "selection-rate impact ratio",
    "scoring_impact_ratio": "scoring impact ratio (score above the median)",
    "demographic_parity_difference": "selection-rate difference (demographic parity)",
    "demographic_parity_ratio": "selection-rate ratio (demographic parity)",
    "equal_opportunity_difference": "true-positive-rate difference (equal opportunity)",
    "equal_opportunity_ratio": "true-positive-rate ratio (equal opportunity)",
    "equalized_odds_difference": "largest error-rate difference (equalized odds)",
    "equalized_odds_ratio": "smallest error-rate ratio (equalized odds)",
    # LLM runs: each group against the reference over matched pairs.
    "sentiment_bias_strong": "sentiment bias, strong (Wasserstein-1 of neg)",
    "sentiment_bias_weak": "sentiment bias, weak (share neg > 0.5)",
    "rougel_similarity": "ROUGE-L similarity",
    "token_jaccard": "token Jaccard similarity",
    "length_ratio": "length ratio",
    "sentiment_shift": "sentiment shift (compound)",
    "decision_flip_rate": "decision flip rate",
}
#: The per-group measure behind each named disparity (equalized odds names its part itself).
NAMED_MEASURES = {
    "impact_ratio": "selection_rate",
    "scoring_impact_ratio": "scoring_rate",
    "demographic_parity_difference": "selection_rate",
    "demographic_parity_ratio": "selection_rate",
    "equal_opportunity_difference": "true_positive_rate",
    "equal_opportunity_ratio": "true_positive_rate",
}
#: A group's flags (the engine's slugs) as the tags of its row.
TAG_WORDS = {
    "excluded": "excluded",
    "small_group": "small sample",
    "unknown": "unknown",
    "below_four_fifths": "below four-fifths",
    "below_four_fifths_scoring": "scoring below four-fifths",
}
_SUFFIXES = ("_difference", "_ratio")


def _engine_name(name: str) -> str:
    # The report's matrices carry names with spaces ("demographic parity ratio").
    return name.strip().replace(" ", "_")


def measure_of(metric: str) -> str | None:
    """The per-group measure a check compares ("false_positive_rate" for its difference)."""
    metric = _engine_name(metric)
    if metric in NAMED_MEASURES:
        return NAMED_MEASURES[metric]
    for suffix in _SUFFIXES:
        if metric.endswith(suffix) and metric[: -len(suffix)] in MEASURES:
            return metric[: -len(suffix)]
    return metric if metric in MEASURES else None


def measure_words(measure: str) -> str:
    """A per-group measure as a noun ("false-positive rate"); unknown names lose underscores."""
    noun, _, note = MEASURES.get(measure, (measure.replace("_", " "), "", ""))
    return f"{noun} ({note})" if note else noun


def metric_words(metric: str) -> str:
    """An engine metric in a reader's words: "impact_ratio" -> "selection-rate impact ratio"."""
    metric = _engine_name(metric)
    if metric in NAMED:
        return NAMED[metric]
    if metric in MEASURES:
        return measure_words(metric)
    for suffix in _SUFFIXES:
        base = metric[: -len(suffix)]
        if metric.endswith(suffix) and base in MEASURES:
            _, modifier, note = MEASURES[base]
            words = f"{modifier} {suffix[1:]}"
            return f"{words} ({note})" if note else words
    return metric.replace("_", " ")


def capfirst(text: str) -> str:
    """The first letter up, the rest as written ("ROC AUC" stays, unlike str.capitalize)."""
    return text[:1].upper() + text[1:]


def with_class(words: str, class_name: object) -> str:
    """A multiclass check names its class (one-vs-rest)."""
    return words if class_name is None else f"{words} for class “{class_name}”"


def requirement_text(comparison: object, threshold: object) -> str:
    """ "≥ 0.8"; a threshold that is not a number is shown as it is."""
    symbol = COMPARISON_SYMBOLS.get(str(comparison), str(comparison))
    shown = f"{threshold:g}" if is_number(threshold) else str(threshold)
    return f"{symbol} {shown}"


def check_words(check: object) -> str:
    """A check in words, whatever holds it.

    - a metric name: its words;
    - a configured check or gate (`{"metric", "comparison", "threshold"[, "class"]}`): its words
      and requirement, "selection-rate impact ratio ≥ 0.8";
    - a shown check (`CheckResult`, `LlmCheck`: anything with a `label`): its label.
    """
    if isinstance(check, str):
        return metric_words(check)
    if isinstance(check, dict):
        words = with_class(metric_words(str(check.get("metric", ""))), check.get("class"))
        if "comparison" in check and "threshold" in check:
            return f"{words} {requirement_text(check['comparison'], check['threshold'])}"
        return words
    label = getattr(check, "label", None)
    return str(label) if label is not None else str(check)


def gate_words(gate: dict | None) -> str:
    """A gate in words, its metric as a reader says it: "selection-rate impact ratio ≥ 0.8 on
    every grouping" (`describe_gate`, which the API keeps, says "impact ratio")."""
    text = describe_gate(gate)
    raw = str((gate or {}).get("metric", "?"))
    if text.startswith(raw.replace("_", " ")):
        return metric_words(raw) + text[len(raw) :]
    return text
