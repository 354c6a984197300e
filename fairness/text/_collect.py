"""From blocks of rows to per-pair state: each response scored once and reduced to a record.

A :class:`Record` keeps what the metrics need of one response (its VADER scores, its length, its
ROUGE tokens and word set as strings of integer ids, refusal, decision, toxicity) and the start
of its text for the examples; the text itself is not kept. Responses are scored in blocks, by a
process pool when ``workers > 1``, and each distinct text of a block is scored once (identical
refusals, for instance, are common).
"""

from __future__ import annotations

import math
import multiprocessing
import re
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import NamedTuple

from .._errors import DatasetError, quote_list
from .._labels import MISSING_TOKENS, canonical, looks_positive
from ._errors import (
    EMPTY_KEY,
    NON_NUMERIC_TOXICITY,
    TOO_MANY_GROUPS,
    TOXICITY_OUT_OF_RANGE,
    text_error,
)
from ._input import Block, ResponseSource
from ._mapping import ResponseMapping
from ._scoring import compile_refusals, is_refusal, score_texts, vader

#: Distinct texts whose scores are kept between blocks (repeated refusals, templated answers);
#: emptied when full. Only texts of at most SCORE_CACHE_CHARS characters are kept, so the cache
#: stays small (a few MB) whatever the file.
SCORE_CACHE_SIZE = 5_000
SCORE_CACHE_CHARS = 300
Score = tuple[float, float, float, str, str]
_Pending = tuple[int, Block, list[str], list[str], "Future[list[Score]] | list[Score]"]


class Record(NamedTuple):
    """One response, reduced."""

    row: int
    sample: str | None
    neg: float
    pos: float
    compound: float
    tokens: int
    stems: str  # ROUGE tokens, one character (code point = id) per token
    words: str  # lower-cased \w+ words, one character per word
    refusal: bool
    decision: object  # canonical decision value, None when empty or unmapped
    toxicity: float | None
    text: str  # the start of the response, for examples


@dataclass
class Collected:
    """Everything read: groups, pair_ids and their records, and counts for the warnings."""

    mapping: ResponseMapping
    groups: dict[str, int] = field(default_factory=dict)
    pairs: dict[str, int] = field(default_factory=dict)
    cells: dict[tuple[int, int], list[Record]] = field(default_factory=dict)
    prompts: dict[tuple[int, int], str] = field(default_factory=dict)
    rows: int = 0
    numeric_responses: int = 0
    text_responses: int = 0
    missing_toxicity: int = 0
    decision_values: dict[object, str] = field(default_factory=dict)


class _Vocabulary(dict[str, str]):
    """Token -> one character (its id as a code point), new tokens numbered as they come."""

    def __missing__(self, token: str) -> str:
        code = self[token] = chr(len(self))
        return code

    def encode(self, joined: str) -> str:
        return "".join(map(self.__getitem__, joined.split()))


def _toxicity(value: object, column: str, row: int) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise text_error(NON_NUMERIC_TOXICITY, column=column, values=quote_list([value]))
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip()
        if text.casefold() in MISSING_TOKENS:
            return None
        try:
            number = float(text)
        except ValueError:
            raise text_error(
                NON_NUMERIC_TOXICITY, column=column, values=f"'{text}' (row {row})"
            ) from None
    if math.isnan(number) and not isinstance(value, str):
        return None
    if not 0.0 <= number <= 1.0:
        raise text_error(TOXICITY_OUT_OF_RANGE, column=column, values=f"{value!r} (row {row})")
    return number


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class _Scorer:
    """Scores blocks of texts in order, locally or on a process pool, with a bounded cache."""

    def __init__(self, workers: int) -> None:
        self.cache: dict[str, Score] = {}
        self.pool: ProcessPoolExecutor | None = None
        self.workers = workers

    def _start(self) -> ProcessPoolExecutor:
        # Forked workers inherit the loaded lexicon and stemmer: no import, ready at once (a
        # spawned worker re-imports the engine, seconds on a loaded machine). Where fork is not
        # available, forkserver, then spawn.
        vader()
        methods = multiprocessing.get_all_start_methods()
        method = next(m for m in ("fork", "forkserver", "spawn") if m in methods)
        context = multiprocessing.get_context(method)
        return ProcessPoolExecutor(self.workers, mp_context=context)

    def submit(self, texts: list[str]) -> tuple[list[str], Future[list[Score]] | list[Score]]:
        todo = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if self.workers > 1 and self.pool is None:
            self.pool = self._start()
        if self.pool is None:
            return todo, score_texts(todo)
        return todo, self.pool.submit(score_texts, todo)

    def resolve(
        self, texts: list[str], todo: list[str], pending: Future[list[Score]] | list[Score]
    ) -> list[Score]:
        scored = pending if isinstance(pending, list) else pending.result()
        fresh = dict(zip(todo, scored, strict=True))
        out = []
        for text in texts:
            found = fresh.get(text)
            if found is None:
                found = self.cache[text]
            out.append(found)
        for text, score in fresh.items():
            if len(text) <= SCORE_CACHE_CHARS:
                if len(self.cache) >= SCORE_CACHE_SIZE:
                    self.cache.clear()
                self.cache[text] = score
        return out

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def collect(
    source: ResponseSource,
    *,
    refusal_patterns: tuple[str, ...],
    max_groups: int,
    workers: int,
    example_chars: int,
) -> Collected:
    """Read every block of ``source`` and return the per-pair records."""
    mapping = source.mapping
    state = Collected(mapping)
    pattern = compile_refusals(refusal_patterns)
    vocab_stems, vocab_words = _Vocabulary(), _Vocabulary()
    scorer = _Scorer(workers)
    depth = max(1, 2 * workers)
    queue: deque[_Pending] = deque()

    def blocks() -> Iterator[tuple[int, Block, list[str]]]:
        for first, block in source.blocks():
            texts = ["" if t is None else t for t in block["response"]]
            yield first, block, texts

    try:
        for first, block, texts in blocks():
            queue.append((first, block, texts, *scorer.submit(texts)))
            if len(queue) >= depth:
                _add(state, scorer, queue.popleft(), pattern, vocab_stems, vocab_words,
                     max_groups, example_chars)  # fmt: skip
        while queue:
            _add(state, scorer, queue.popleft(), pattern, vocab_stems, vocab_words,
                 max_groups, example_chars)  # fmt: skip
    finally:
        scorer.close()
    return state


def _key(value: object, role: str, column: str, row: int) -> str:
    text = "" if value is None else str(value).strip()
    if not text:
        raise text_error(EMPTY_KEY, row=row, role=role, column=column)
    return text


def _add(state: Collected, scorer: _Scorer, item: _Pending, pattern: re.Pattern[str] | None,
         vocab_stems: _Vocabulary, vocab_words: _Vocabulary, max_groups: int,
         example_chars: int) -> None:  # fmt: skip
    first, block, texts, todo, pending = item
    scores = scorer.resolve(texts, todo, pending)
    mapping = state.mapping
    n = len(texts)
    prompts = block.get("prompt")
    samples = block.get("sample")
    decisions = block.get("decision")
    toxicities = block.get("toxicity")
    for i in range(n):
        row = first + i
        pair_id = _key(block["pair_id"][i], "pair_id", mapping.pair_id, row)
        group = _key(block["group"][i], "group", mapping.group, row)
        g = state.groups.get(group)
        if g is None:
            if len(state.groups) >= max_groups:
                raise text_error(TOO_MANY_GROUPS, column=mapping.group, limit=max_groups,
                                 count=f"at least {max_groups + 1}")  # fmt: skip
            g = state.groups[group] = len(state.groups)
        p = state.pairs.get(pair_id)
        if p is None:
            p = state.pairs[pair_id] = len(state.pairs)
        text = texts[i]
        if text.strip():
            state.text_responses += 1
            if _looks_numeric(text):
                state.numeric_responses += 1
        sample = None
        if samples is not None and samples[i] is not None and str(samples[i]).strip():
            sample = str(samples[i]).strip()
        decision = None
        if decisions is not None and decisions[i] is not None:
            raw = str(decisions[i]).strip()
            if raw.casefold() not in MISSING_TOKENS:
                decision = canonical(raw)
                state.decision_values.setdefault(decision, raw)
        toxicity = None
        if toxicities is not None:
            toxicity = _toxicity(toxicities[i], mapping.toxicity or "", row)
            if toxicity is None:
                state.missing_toxicity += 1
        neg, pos, compound, stems, words = scores[i]
        record = Record(
            row=row,
            sample=sample,
            neg=neg,
            pos=pos,
            compound=compound,
            tokens=len(words.split()),
            stems=vocab_stems.encode(stems),
            words=vocab_words.encode(words),
            refusal=is_refusal(text, pattern),
            decision=decision,
            toxicity=toxicity,
            text=text if len(text) <= example_chars else text[:example_chars].rstrip() + "…",
        )
        state.cells.setdefault((p, g), []).append(record)
        if prompts is not None and (p, g) not in state.prompts and prompts[i] is not None:
            state.prompts[(p, g)] = str(prompts[i])[:example_chars]
    state.rows += n


def decision_coding(state: Collected) -> dict[object, bool]:
    """Map each canonical decision value to positive (True) or not (raises ``DatasetError``)."""
    mapping = state.mapping
    values = state.decision_values
    column = mapping.decision or ""
    if mapping.pos_label is not None:
        positive = canonical(str(mapping.pos_label))
        if values and positive not in values:
            raise text_error("pos_label_absent", column=column, pos_label=mapping.pos_label,
                             values=quote_list(values.values()))  # fmt: skip
        return {value: value == positive for value in values}
    coding = {value: looks_positive(raw) for value, raw in values.items()}
    negatives = {0.0, "false", "no", "n", "f"}
    unknown = [raw for value, raw in values.items() if not coding[value] and value not in negatives]
    if unknown:
        raise text_error("pos_label_required", column=column, values=quote_list(values.values()))
    return coding


__all__ = ["Collected", "DatasetError", "Record", "collect", "decision_coding"]
