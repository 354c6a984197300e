"""Counterfactual fairness of LLM responses: the same prompt asked once per group, compared.

>>> from fairness.text import ResponseMapping, assess_responses
>>> report = assess_responses("responses.csv", ResponseMapping(  # doctest: +SKIP
...     pair_id="pair_id", group="group", response="response"),
...     checks=["sentiment_bias_strong <= 0.05"])
>>> report.passed, report.to_dict()["comparisons"][0]["metrics"]  # doctest: +SKIP

``sentiment_bias_strong``, ``sentiment_bias_weak`` and ``rougel_similarity`` equal LangFair 0.8's
``SentimentBias(parity="strong"|"weak")`` and ``RougelSimilarity()`` (reference group as
``texts1``); the rest is defined in ``fairness/README.md``. It needs numpy, pyarrow, scipy,
vaderSentiment, rouge-score (with nltk's Porter stemmer, no data download) and rapidfuzz; no
model is loaded: toxicity, when wanted, comes in as a column.
"""

from ._assess import assess_responses
from ._checks import TEXT_CHECK_METRICS, VERDICTS, TextCheck
from ._defaults import (
    DEFAULT_BOOTSTRAP_DRAWS,
    DEFAULT_EXAMPLE_CHARS,
    DEFAULT_EXAMPLES_PER_KIND,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_GROUPS,
    DEFAULT_REFUSAL_PATTERNS,
    DEFAULT_SEED,
    DEFAULT_SENTIMENT_THRESHOLD,
    DEFAULT_TEXT_OPTIONS,
    DEFAULT_TOXICITY_THRESHOLD,
    DEFAULT_WORKERS,
)
from ._errors import TEXT_ERROR_CODES, TEXT_ERROR_MESSAGES
from ._format import format_text_report
from ._input import FORMATS
from ._mapping import REQUIRED_ROLES, ROLES, ResponseMapping
from ._metrics import COMPARISON_METRICS, GROUP_METRICS
from ._prompts import (
    GENDER_SWAPS,
    PromptSetError,
    build_prompt_set,
    read_templates,
    write_prompt_set,
)
from ._report import EXAMPLE_KINDS, SCHEMA, TextReport
from ._scoring import FastVader, rouge_l, rouge_tokens

__all__ = [
    "COMPARISON_METRICS",
    "DEFAULT_BOOTSTRAP_DRAWS",
    "DEFAULT_EXAMPLES_PER_KIND",
    "DEFAULT_EXAMPLE_CHARS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_GROUPS",
    "DEFAULT_REFUSAL_PATTERNS",
    "DEFAULT_SEED",
    "DEFAULT_SENTIMENT_THRESHOLD",
    "DEFAULT_TEXT_OPTIONS",
    "DEFAULT_TOXICITY_THRESHOLD",
    "DEFAULT_WORKERS",
    "EXAMPLE_KINDS",
    "FORMATS",
    "FastVader",
    "GENDER_SWAPS",
    "GROUP_METRICS",
    "PromptSetError",
    "REQUIRED_ROLES",
    "ROLES",
    "ResponseMapping",
    "SCHEMA",
    "TEXT_CHECK_METRICS",
    "TEXT_ERROR_CODES",
    "TEXT_ERROR_MESSAGES",
    "TextCheck",
    "TextReport",
    "VERDICTS",
    "assess_responses",
    "build_prompt_set",
    "format_text_report",
    "read_templates",
    "rouge_l",
    "rouge_tokens",
    "write_prompt_set",
]
