"""Per-response scores: VADER, ROUGE-L tokens, word tokens and refusals, each computed once.

Everything here is exactly the definition of the library it replaces, only faster:

- :class:`FastVader` gives ``vaderSentiment``'s ``SentimentIntensityAnalyzer.polarity_scores``
  (the same dictionary) with the per-word rules written out on one lower-cased word list: the
  library lower-cases the whole text again for every word it looks at (quadratic in the length
  of the response) and calls ``negated`` (a scan of a list) for every preceding word.
- :func:`rouge_tokens` is ``rouge_score.tokenize.tokenize`` with nltk's Porter stemmer (what
  ``RougeScorer(["rougeL"], use_stemmer=True)`` uses), with each distinct word stemmed once.
- :func:`rouge_l` is ``rouge_score``'s ROUGE-L F-measure, the LCS computed by
  ``rapidfuzz.distance.LCSseq`` (compiled, bit-parallel) on the token ids.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence

from nltk.stem import porter
from rapidfuzz.distance import LCSseq
from rouge_score import tokenize as rouge_tokenize
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
)

WORD_RE = re.compile(r"\w+")
#: Most distinct words whose stems (or VADER token forms) are kept; emptied when full.
STEM_CACHE_SIZE = 200_000

_STEMMER = porter.PorterStemmer()
_STEMS: dict[str, str] = {}
_NEGATE = frozenset(NEGATE)
_SO_THIS = ("so", "this")
_PUNCTUATION = string.punctuation
#: The second and third word before a lexicon word, with the damping of their booster scalar.
_FARTHER = ((2, 0.95), (3, 0.9))
# Every word of a multi-word idiom or booster phrase: `_special_idioms_check` can only change a
# valence when the words around it include one of these.
_IDIOM_WORDS = frozenset(
    word for phrase in (*SPECIAL_CASES, *BOOSTER_DICT) if " " in phrase for word in phrase.split()
)
Scores = dict[str, float]


class FastVader:
    """``SentimentIntensityAnalyzer().polarity_scores``, the same dictionary, faster.

    A text with an emoji character, or that is not a string, goes to the library itself (its
    emoji pass is a loop over the characters). Otherwise the words are split and stripped as
    ``SentiText`` does (each distinct token once), lower-cased once, and every lexicon word's
    valence follows ``sentiment_valence``, ``_negation_check``, ``_special_idioms_check`` and
    ``_least_check`` rule by rule on that list, and ``_but_check`` with its quirks;
    ``score_valence`` is the library's own. ``tests/fairness/text/test_scoring.py`` checks
    equality on random text.
    """

    def __init__(self) -> None:
        self._base = SentimentIntensityAnalyzer()
        self.lexicon: dict[str, float] = self._base.lexicon
        self.emojis: dict[str, str] = self._base.emojis
        self._emoji_chars = frozenset(key for key in self.emojis if len(key) == 1)
        self._tokens: dict[str, tuple[str, str, bool]] = {}

    def _token(self, token: str) -> tuple[str, str, bool]:
        """``(word, lower-cased, isupper)`` of a whitespace token, as ``SentiText`` strips it."""
        found = self._tokens.get(token)
        if found is None:
            stripped = token.strip(_PUNCTUATION)
            word = token if len(stripped) <= 2 else stripped
            if len(self._tokens) >= STEM_CACHE_SIZE:
                self._tokens.clear()
            found = self._tokens[token] = (word, word.lower(), word.isupper())
        return found

    def polarity_scores(self, text: str) -> Scores:
        """``{"neg", "neu", "pos", "compound"}``, as ``SentimentIntensityAnalyzer`` gives them."""
        if not isinstance(text, str) or not self._emoji_chars.isdisjoint(text):
            scores: Scores = self._base.polarity_scores(text)
            return scores
        text = text.strip()
        known = self._tokens.get
        parts = [known(token) or self._token(token) for token in text.split()]
        lowers = [part[1] for part in parts]
        uppers = [part[2] for part in parts]
        n = len(parts)
        capitals = sum(uppers)
        is_cap_diff = 0 < n - capitals < n
        lexicon = self.lexicon
        sentiments: list[float] = []
        for i in range(n):
            low = lowers[i]
            if (
                low in BOOSTER_DICT
                or low not in lexicon
                or (low == "kind" and i < n - 1 and lowers[i + 1] == "of")
            ):
                sentiments.append(0)
            else:
                sentiments.append(self._valence(i, lowers, uppers, is_cap_diff))
        if "but" in lowers:
            sentiments = _but_check(lowers, sentiments)
        scores = self._base.score_valence(sentiments, text)
        return scores

    def _valence(self, i: int, lowers: list[str], uppers: list[bool], is_cap_diff: bool) -> float:
        """``sentiment_valence`` of lexicon word ``i`` (not a booster, not "kind" of "kind of")."""
        lexicon = self.lexicon
        n = len(lowers)
        low = lowers[i]
        valence = lexicon[low]
        if low == "no" and i != n - 1 and lowers[i + 1] in lexicon:
            valence = 0.0
        if (
            (i > 0 and lowers[i - 1] == "no")
            or (i > 1 and lowers[i - 2] == "no")
            or (i > 2 and lowers[i - 3] == "no" and lowers[i - 1] in ("or", "nor"))
        ):
            valence = lexicon[low] * N_SCALAR
        if uppers[i] and is_cap_diff:
            if valence > 0:
                valence += C_INCR
            else:
                valence -= C_INCR
        # The three words before, nearest first (the library's loop over start_i, written out):
        # a word in the lexicon is skipped; else its booster scalar (damped by distance) is
        # added and the negation rule of that distance applied; idioms at the third.
        if i > 0 and lowers[i - 1] not in lexicon:
            before = lowers[i - 1]
            if before in BOOSTER_DICT:
                valence += _scalar(before, uppers[i - 1], valence, is_cap_diff)
            if before in _NEGATE or "n't" in before:
                valence = valence * N_SCALAR
        for distance, damping in _FARTHER:
            if i < distance:
                break
            before = lowers[i - distance]
            if before in lexicon:
                continue
            if before in BOOSTER_DICT:
                scalar = _scalar(before, uppers[i - distance], valence, is_cap_diff)
                valence += scalar * damping if scalar != 0 else scalar
            valence = _negation_check(valence, lowers, distance - 1, i)
            if distance == 3 and not _IDIOM_WORDS.isdisjoint(lowers[i - 2 : i + 1]):
                valence = _special_idioms_check(valence, lowers, i)
        # _least_check
        if i > 1 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
            if lowers[i - 2] != "at" and lowers[i - 2] != "very":
                valence = valence * N_SCALAR
        elif i > 0 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
            valence = valence * N_SCALAR
        return valence


def _scalar(before: str, upper: bool, valence: float, is_cap_diff: bool) -> float:
    """``scalar_inc_dec`` of a booster word before a lexicon word of this valence."""
    scalar: float = BOOSTER_DICT[before]
    if valence < 0:
        scalar *= -1
    if upper and is_cap_diff:
        if valence > 0:
            scalar += C_INCR
        else:
            scalar -= C_INCR
    return scalar


def _but_check(lowers: list[str], sentiments: list[float]) -> list[float]:
    """``SentimentIntensityAnalyzer._but_check`` on the lower-cased words, its quirks kept.

    The library walks the list while it rewrites it and finds each value's position with
    ``sentiments.index(value)`` (the first equal value, not the current one); the same walk is
    done here in place. A zero is skipped: it would be rewritten to 0.0, which sums, compares and
    counts (as neutral) exactly as 0 does, and skipping it saves most of the quadratic ``index``.
    """
    but = lowers.index("but")
    for k in range(len(sentiments)):
        sentiment = sentiments[k]
        if sentiment == 0:
            continue
        first = sentiments.index(sentiment)
        if first < but:
            sentiments[first] = sentiment * 0.5
        elif first > but:
            sentiments[first] = sentiment * 1.5
    return sentiments


def _negated(word: str) -> bool:
    """``vaderSentiment.negated([word])`` of a lower-cased word."""
    return word in _NEGATE or "n't" in word


def _negation_check(valence: float, lowers: list[str], start_i: int, i: int) -> float:
    """``SentimentIntensityAnalyzer._negation_check`` on the lower-cased words."""
    if start_i == 0:
        if _negated(lowers[i - 1]):
            valence = valence * N_SCALAR
    elif start_i == 1:
        if lowers[i - 2] == "never" and lowers[i - 1] in _SO_THIS:
            valence = valence * 1.25
        elif lowers[i - 2] == "without" and lowers[i - 1] == "doubt":
            pass
        elif _negated(lowers[i - 2]):
            valence = valence * N_SCALAR
    else:
        if (lowers[i - 3] == "never" and lowers[i - 2] in _SO_THIS) or lowers[i - 1] in _SO_THIS:
            valence = valence * 1.25
        elif lowers[i - 3] == "without" and (lowers[i - 2] == "doubt" or lowers[i - 1] == "doubt"):
            pass
        elif _negated(lowers[i - 3]):
            valence = valence * N_SCALAR
    return valence


def _special_idioms_check(valence: float, lowers: list[str], i: int) -> float:
    """``SentimentIntensityAnalyzer._special_idioms_check`` on the lower-cased words (i >= 3)."""
    one, two, three, zero = lowers[i - 1], lowers[i - 2], lowers[i - 3], lowers[i]
    onezero = f"{one} {zero}"
    twoonezero = f"{two} {one} {zero}"
    twoone = f"{two} {one}"
    threetwoone = f"{three} {two} {one}"
    threetwo = f"{three} {two}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    if len(lowers) - 1 > i:
        zeroone = f"{zero} {lowers[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if len(lowers) - 1 > i + 1:
        zeroonetwo = f"{zero} {lowers[i + 1]} {lowers[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


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
