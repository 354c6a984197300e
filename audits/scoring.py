"""Scores, derived from stored answers and the pinned checklist version.

Each audit keeps a copy of its scores (`Audit.score_summary`, written by
`audits.services.scores.audit_scores_refresh` in the transaction of every write that can change
them) so that a list of audits is scored without reading every answer; `AuditScores.as_summary` /
`from_summary` are that copy's format, and tests check it equals `compute_scores` after every
kind of write.

Answer score in [0, 1]: yes 1, partial 0.5, no 0; scale k/4; choice by its option's score; a gate
that passes 1, is inconclusive (its interval straddles the threshold) 0.5 like a partial answer,
fails 0. "Not applicable" and free text are excluded; unanswered questions count
against completion, not the score, except a required gate: until a fairness run answers it, it
counts as 0 (so a missing run never raises a score) and its principle is "incomplete" instead of
having a band (the overall band too). A principle's score is the weighted mean of its answered,
applicable questions (0-100); the overall score is the mean of principle scores, weighted by the
version's `principle_weights` (missing weights are 1).
"""

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

YES_NO_SCORES = {"yes": 1.0, "partial": 0.5, "no": 0.0}
#: A gate's answer: the run's verdict. "inconclusive" (the 95% interval straddles the threshold)
#: counts as a partial answer until more data, or a reviewer's override, settles it.
GATE_PASS, GATE_FAIL, GATE_INCONCLUSIVE = "pass", "fail", "inconclusive"
GATE_SCORES = {GATE_PASS: 1.0, GATE_INCONCLUSIVE: 0.5, GATE_FAIL: 0.0}
NOT_APPLICABLE = "na"
SCALE_MAX = 4
#: The band of a principle with required gates that wait for a fairness run (and of the overall
#: score while any principle has them).
INCOMPLETE = "incomplete"


def answer_score(*, kind: str, value: str, choices: list[dict] | None = None) -> float | None:
    """The answer's score in [0, 1], or None when it does not count (N/A, text, empty, unknown)."""
    if not value or value == NOT_APPLICABLE:
        return None
    if kind == "yes_no":
        return YES_NO_SCORES.get(value)
    if kind == "gate":
        return GATE_SCORES.get(value)
    if kind == "scale":
        if value.isdigit() and 0 <= int(value) <= SCALE_MAX:
            return int(value) / SCALE_MAX
        return None
    if kind == "choice":
        for option in choices or []:
            if option.get("value") == value:
                return float(option["score"])
        return None
    return None  # free text is never scored


def band_for(score: float | None, bands: Mapping[str, float]) -> str:
    """The band name for a 0-100 score: "strong", "partial" or "weak" ("unscored" when None)."""
    if score is None:
        return "unscored"
    if score >= bands.get("strong", 75):
        return "strong"
    if score >= bands.get("partial", 50):
        return "partial"
    return "weak"


@dataclass(frozen=True)
class PrincipleScore:
    code: str
    name: str
    score: float | None  # 0-100
    band: str
    answered: int  # questions with any answer, N/A included
    total: int
    scored: int  # answers that count towards the score
    waiting_gates: int = 0  # required gates no run has answered yet (each counted as 0)

    @property
    def completion(self) -> float:
        return self.answered / self.total if self.total else 1.0

    @property
    def is_incomplete(self) -> bool:
        return self.waiting_gates > 0


@dataclass(frozen=True)
class AuditScores:
    principles: list[PrincipleScore] = field(default_factory=list)
    overall: float | None = None
    band: str = "unscored"
    answered: int = 0
    total: int = 0

    @property
    def completion(self) -> float:
        return self.answered / self.total if self.total else 1.0

    @property
    def waiting_gates(self) -> int:
        return sum(p.waiting_gates for p in self.principles)

    def for_principle(self, code: str) -> PrincipleScore | None:
        return next((p for p in self.principles if p.code == code), None)

    def as_summary(self) -> dict[str, Any]:
        """The scores as JSON (what `Audit.score_summary` stores)."""
        return {
            "format": SUMMARY_FORMAT,
            "overall": self.overall,
            "band": self.band,
            "answered": self.answered,
            "total": self.total,
            "principles": [asdict(p) for p in self.principles],
        }

    @classmethod
    def from_summary(cls, summary: Mapping[str, Any] | None) -> "AuditScores | None":
        """The scores a summary stores; None when there is none or it is of another format."""
        if not summary or summary.get("format") != SUMMARY_FORMAT:
            return None
        return cls(
            principles=[PrincipleScore(**p) for p in summary["principles"]],
            overall=summary["overall"],
            band=summary["band"],
            answered=summary["answered"],
            total=summary["total"],
        )


#: Bumped whenever what a summary holds, or how scores are computed, changes: summaries of an
#: older format are ignored (recomputed) until each audit is written again.
SUMMARY_FORMAT = 1


def compute_scores(
    *,
    questions: Iterable,
    values: Mapping[int, str],
    bands: Mapping[str, float],
    principle_weights: Mapping[str, float] | None = None,
) -> AuditScores:
    """Scores for questions (with `.principle` loaded) given {question_id: answer value}."""
    by_principle: dict[str, list] = {}
    principles = {}
    for question in questions:
        by_principle.setdefault(question.principle.code, []).append(question)
        principles[question.principle.code] = question.principle
    results = []
    for code in sorted(by_principle, key=lambda c: (principles[c].order, c)):
        results.append(_principle_score(principles[code], by_principle[code], values, bands))
    weights = principle_weights or {}
    weighted = [(p.score, float(weights.get(p.code, 1.0))) for p in results if p.score is not None]
    total_weight = sum(w for _, w in weighted)
    overall = sum(s * w for s, w in weighted) / total_weight if total_weight > 0 else None
    incomplete = any(p.is_incomplete for p in results)
    return AuditScores(
        principles=results,
        overall=overall,
        band=INCOMPLETE if incomplete else band_for(overall, bands),
        answered=sum(p.answered for p in results),
        total=sum(p.total for p in results),
    )


def _principle_score(
    principle, questions: list, values: Mapping[int, str], bands
) -> PrincipleScore:
    answered = 0
    weighted_sum = weight_total = 0.0
    scored = waiting = 0
    for question in questions:
        value = values.get(question.pk, "")
        if value:
            answered += 1
        score = answer_score(kind=question.answer_kind, value=value, choices=question.choices)
        if not value and question.answer_kind == "gate" and question.required:
            waiting += 1
            score = 0.0  # counted as failing until a run answers it: never raises the score
        if score is not None:
            scored += 1
            weighted_sum += score * question.weight
            weight_total += question.weight
    score = 100.0 * weighted_sum / weight_total if weight_total > 0 else None
    return PrincipleScore(
        code=principle.code,
        name=principle.name,
        score=score,
        band=INCOMPLETE if waiting else band_for(score, bands),
        answered=answered,
        total=len(questions),
        scored=scored,
        waiting_gates=waiting,
    )
