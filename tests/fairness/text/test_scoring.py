"""The fast paths equal the libraries they replace: vaderSentiment and rouge_score."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rouge_score import rouge_scorer
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from fairness.text import DEFAULT_REFUSAL_PATTERNS, FastVader, rouge_l, rouge_tokens
from fairness.text._scoring import compile_refusals, is_refusal

SCORER = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
VADER = SentimentIntensityAnalyzer()
FAST = FastVader()

WORDS = st.sampled_from(
    [
        "good",
        "bad",
        "not",
        "never",
        "very",
        "kind",
        "of",
        "the",
        "cat",
        "sat",
        "ran",
        "running",
        "runs",
        "happily",
        "sorry",
        "no",
        "but",
        "so",
        "this",
        "without",
        "doubt",
        "least",
        "at",
        "extremely",
        "GREAT",
        "terrible",
        ":)",
        "!",
        "?",
        "isn't",
        "n't",
        "cut",
        "the",
        "mustard",
        "the",
        "shit",
        "bus",
        "stop",
        "yeah",
        "right",
        "kiss",
        "of",
        "death",
        "hand",
        "to",
        "mouth",
        "sort",
    ]
)
# VADER's rules: negations, "but", boosters and dampeners (with caps), idioms and special cases,
# "least", "no", punctuation emphasis, emoticons and emoji (the library's own path).
VADER_WORDS = st.sampled_from(
    [
        "but", "BUT", "But", "not", "NOT", "no", "No", "nor", "or", "never", "without", "doubt",
        "isn't", "wasn't", "don't", "cannot", "rarely", "despite", "least", "at", "very", "VERY",
        "so", "this", "kind", "of", "sort", "just", "enough", "kinda", "hardly", "barely",
        "extremely", "really", "ALMOST", "good", "GOOD", "Good", "bad", "BAD", "great", "terrible",
        "love", "hate", "happy", "sad", "okay", "helpful", "risky", "fail", "the", "bomb", "ass",
        "to", "die", "for", "yeah", "right", "kiss", "death", "cut", "mustard", "beating", "heart",
        "bus", "stop", "shit", ":)", ":(", ":D", "<3", ";)", "!", "!!", "?", "??", "...", ",",
        "good!", "bad?", "'great'", "(terrible)", "—", "\U0001f601", "\U0001f494", "ok\U0001f642",
    ]
)  # fmt: skip
TEXT = st.one_of(
    st.lists(WORDS, max_size=40).map(" ".join),
    st.lists(VADER_WORDS, max_size=40).map(" ".join),
    st.lists(st.one_of(VADER_WORDS, st.text(max_size=6)), max_size=30).map(" ".join),
    st.text(max_size=80),
)


def test_rouge_hand_checked():
    # "the cat sat" vs "the cat ran": LCS 2 of 3 tokens each, so P = R = F = 2/3.
    assert rouge_l(rouge_tokens("the cat sat"), rouge_tokens("the cat ran")) == 2 / 3
    # Stemming: "running" and "runs" both stem to "run"; LCS 2 of 2, F = 1.
    assert rouge_tokens("Running dogs") == ["run", "dog"]
    assert rouge_l(rouge_tokens("running dogs"), rouge_tokens("runs dog")) == 1.0
    # Either side empty: 0 (rouge_score's convention).
    assert rouge_l(rouge_tokens(""), rouge_tokens("x")) == 0.0


def test_vader_hand_checked():
    # "good" has valence 1.9: compound = 1.9 / sqrt(1.9**2 + 15) = 0.4404, pos = 1.
    assert FAST.polarity_scores("good") == {"neg": 0.0, "neu": 0.0, "pos": 1.0, "compound": 0.4404}
    # "bad" has valence -2.5: compound = -2.5 / sqrt(2.5**2 + 15) = -0.5423, neg = 1.
    assert FAST.polarity_scores("bad")["compound"] == -0.5423
    assert FAST.polarity_scores("bad")["neg"] == 1.0


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT)
def test_rouge_fast_path_equals_rouge_score(a, b):
    expected = SCORER.score(a, b)["rougeL"].fmeasure
    assert rouge_l(rouge_tokens(a), rouge_tokens(b)) == expected
    # on id strings too, as the engine stores them
    ids: dict[str, str] = {}
    enc = ["".join(ids.setdefault(t, chr(len(ids))) for t in rouge_tokens(x)) for x in (a, b)]
    assert rouge_l(enc[0], enc[1]) == expected


@settings(max_examples=2000, deadline=None)
@given(TEXT)
def test_vader_fast_path_equals_vader(text):
    assert FAST.polarity_scores(text) == VADER.polarity_scores(text)


def test_refusals():
    pattern = compile_refusals(DEFAULT_REFUSAL_PATTERNS)
    assert is_refusal("I'm sorry, but I can't help with that.", pattern)
    assert is_refusal("As an AI language model, I have no opinion.", pattern)
    assert is_refusal("I cannot help with this request", pattern)
    assert is_refusal("   ", pattern)
    assert not is_refusal("Sure, here is the letter.", pattern)
    assert not is_refusal("Sure, here is the letter.", None)
