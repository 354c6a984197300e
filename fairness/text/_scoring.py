"""Per-response scores: VADER, ROUGE-L tokens, word tokens and refusals, each computed once.

Everything here is exactly the definition of the library it replaces, only faster:

- :class:`FastVader` is ``vaderSentiment``'s ``SentimentIntensityAnalyzer`` with two helpers that
  lower-case the whole text once per lexicon word (quadratic in the length of the response) given
  only the few words around it that they read, so ``polarity_scores`` returns the same dictionary.
- :func:`rouge_tokens` is ``rouge_score.tokenize.tokenize`` with nltk's Porter stemmer (what
  ``RougeScorer(["rougeL"], use_stemmer=True)`` uses), with each distinct word stemmed once.
- :func:`rouge_l` is ``rouge_score``'s ROUGE-L F-measure, the LCS computed by
  ``rapidfuzz.distance.LCSseq`` (compiled, bit-parallel) on the token ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from nltk.stem import porter
from rapidfuzz.distance import LCSseq
from rouge_score import tokenize as rouge_tokenize
from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentimentIntensityAnalyzer, SentiText

WORD_RE = re.compile(r"\w+")
#: Most distinct words whose stems are kept; the cache is emptied when it is full.
STEM_CACHE_SIZE = 200_000

_STEMMER = porter.PorterStemmer()
_STEMS: dict[str, str] = {}


class FastVader(SentimentIntensityAnalyzer):
    """``SentimentIntensityAnalyzer`` whose per-word checks read a window, not the whole text.

    ``_negation_check`` reads the three words before word ``i`` (``i > start_i`` holds at its
    call) and ``_special_idioms_check`` the three before and two after (it is called with
    ``i >= 3``); both lower-case the whole list first. Passing the window that they read, with
    ``i`` shifted, gives the same valence in constant time per word. ``polarity_scores`` gives a
    word outside the lexicon its valence 0 without the call (what ``sentiment_valence`` returns
    for it) and skips the emoji pass when the text has no emoji character.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._emoji_chars = frozenset(key for key in self.emojis if len(key) == 1)

    def polarity_scores(self, text):
        if not isinstance(text, str) or not self._emoji_chars.isdisjoint(text):
            return super().polarity_scores(text)
        text = text.strip()
        sentitext = SentiText(text)
        sentiments: list[float] = []
        words_and_emoticons = sentitext.words_and_emoticons
        lexicon = self.lexicon
        last = len(words_and_emoticons) - 1
        for i, item in enumerate(words_and_emoticons):
            lower = item.lower()
            if lower in BOOSTER_DICT or lower not in lexicon:
                sentiments.append(0)
                continue
            if i < last and lower == "kind" and words_and_emoticons[i + 1].lower() == "of":
                sentiments.append(0)
                continue
            sentiments = self.sentiment_valence(0, sentitext, item, i, sentiments)
        sentiments = self._but_check(words_and_emoticons, sentiments)
        return self.score_valence(sentiments, text)

    @staticmethod
    def _negation_check(valence, words_and_emoticons, start_i, i):
        low = max(0, i - 3)
        return SentimentIntensityAnalyzer._negation_check(
            valence, words_and_emoticons[low : i + 1], start_i, i - low
        )

    @staticmethod
    def _special_idioms_check(valence, words_and_emoticons, i):
        if i < 3:  # not reached from polarity_scores; keep the original's wrap-around indexing
            return SentimentIntensityAnalyzer._special_idioms_check(valence, words_and_emoticons, i)
        return SentimentIntensityAnalyzer._special_idioms_check(
            valence, words_and_emoticons[i - 3 : i + 3], 3
        )


_VADER: FastVader | None = None


def vader() -> FastVader:
    """Return the process's analyzer (the lexicon is read once per process)."""
    global _VADER
    if _VADER is None:
        _VADER = FastVader()
    return _VADER


def _stem(word: str) -> str:
    stem = _STEMS.get(word)
    if stem is None:
        if len(_STEMS) >= STEM_CACHE_SIZE:
            _STEMS.clear()
        stem = _STEMS[word] = _STEMMER.stem(word)
    return stem


def rouge_tokens(text: str) -> list[str]:
    """Return ``rouge_score.tokenize.tokenize(text, PorterStemmer())``, stems cached."""
    text = rouge_tokenize.NON_ALPHANUM_RE.sub(" ", text.lower())
    tokens = rouge_tokenize.SPACES_RE.split(text)
    tokens = [_stem(x) if len(x) > 3 else x for x in tokens]
    return [x for x in tokens if rouge_tokenize.VALID_TOKEN_RE.match(x)]


def words(text: str) -> list[str]:
    """Return the ``\\w+`` tokens of ``text`` (their number is the response's length)."""
    return WORD_RE.findall(text)


def fmeasure_from_lcs(lcs: int, target_len: int, prediction_len: int) -> float:
    """ROUGE-L F-measure from the LCS length, in ``rouge_score``'s order of operations."""
    if not target_len or not prediction_len:
        return 0.0
    precision = lcs / prediction_len
    recall = lcs / target_len
    if precision + recall > 0:
        return 2 * precision * recall / (precision + recall)
    return 0.0


def rouge_l(target: Sequence[object], prediction: Sequence[object]) -> float:
    """ROUGE-L F-measure of two token sequences (strings of token ids or lists)."""
    if not target or not prediction:
        return 0.0
    return fmeasure_from_lcs(
        int(LCSseq.similarity(target, prediction)), len(target), len(prediction)
    )


def score_texts(texts: Iterable[str]) -> list[tuple[float, float, float, str, str]]:
    """Score each text: ``(neg, pos, compound, rouge tokens, lower-cased words)``.

    The token lists come back joined by spaces (cheap to send between processes); this is the
    function the process pool runs.
    """
    analyzer = vader()
    out = []
    for text in texts:
        scores = analyzer.polarity_scores(text)
        out.append(
            (
                scores["neg"],
                scores["pos"],
                scores["compound"],
                " ".join(rouge_tokens(text)),
                " ".join(WORD_RE.findall(text.lower())),
            )
        )
    return out


def compile_refusals(patterns: Sequence[str]) -> re.Pattern[str] | None:
    """Compile the refusal patterns into one case-insensitive alternation (None when empty)."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def is_refusal(text: str, pattern: re.Pattern[str] | None) -> bool:
    """True when ``text`` is empty (only whitespace) or matches one of the refusal patterns."""
    if not text.strip():
        return True
    return pattern is not None and pattern.search(text) is not None
