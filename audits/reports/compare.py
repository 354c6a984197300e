"""A re-audit beside the audit it continues: per question both answers, per principle both scores,
per gate and grouping both runs' metric values. One builder for the compare page, the report page
and the PDF of a re-audit (`comparison_build`); the numbers come from the stored answers, the pinned
versions and the gate-answering runs' stored documents, rounded as the run pages round them.
"""

from dataclasses import dataclass

from audits import selectors
from audits.labels import answer_label
from audits.models import Answer, Audit
from audits.reports.run.checks import same_check
from audits.reports.run.numbers import Cell, digits_for, metric_cell
from audits.scoring import AuditScores
from audits.selectors.compare import previous_audit_of, question_changes, run_results
from checklists.gates import describe_gate
from checklists.models import AnswerKind, Question

SAME, CHANGED, NEW, REMOVED = "same", "changed", "new", "removed"


@dataclass(frozen=True)
class QuestionComparison:
    code: str
    principle: str
    text: str
    previous: str  # the earlier audit's answer, as a label ("" when there was none)
    current: str
    status: str  # same, changed, new (no such question before) or removed (none now)
    question_changed: str  # what of the question changed between the versions ("" nothing)
    needs_recheck: bool

    @property
    def changed(self) -> bool:
        return self.status != SAME


@dataclass(frozen=True)
class PrincipleComparison:
    code: str
    name: str
    previous: float | None
    previous_band: str
    current: float | None
    current_band: str

    @property
    def change(self) -> float | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous


@dataclass(frozen=True)
class GroupingComparison:
    grouping: str
    previous: Cell
    current: Cell
    change: Cell  # current - previous, with the metric's digits; undefined when either is


@dataclass(frozen=True)
class GateComparison:
    code: str
    description: str
    previous_run: int | None
    current_run: int | None
    previous_answer: str
    current_answer: str
    groupings: list[GroupingComparison]


@dataclass(frozen=True)
class Comparison:
    previous_id: int
    previous_title: str
    previous_version: int
    current_version: int
    previous_overall: float | None
    current_overall: float | None
    questions: list[QuestionComparison]
    principles: list[PrincipleComparison]
    gates: list[GateComparison]

    @property
    def changed_questions(self) -> list[QuestionComparison]:
        return [q for q in self.questions if q.changed]

    @property
    def questions_changed_first(self) -> list[QuestionComparison]:
        return self.changed_questions + [q for q in self.questions if not q.changed]


def comparison_build(audit: Audit) -> Comparison | None:
    """The comparison of a re-audit with its earlier audit; None for an audit that is no re-audit."""
    previous = previous_audit_of(audit)
    if previous is None:
        return None
    before_questions = selectors.audit_questions(previous)
    after_questions = selectors.audit_questions(audit)
    before_answers = selectors.audit_answers(previous)
    after_answers = selectors.audit_answers(audit)
    before_scores = selectors.audit_scores(
        previous, questions=before_questions, answers=before_answers
    )
    after_scores = selectors.audit_scores(audit, questions=after_questions, answers=after_answers)
    before = {q.code: q for q in before_questions}
    results = run_results(
        a.run_id for a in [*before_answers.values(), *after_answers.values()] if a.run_id
    )
    return Comparison(
        previous_id=previous.pk,
        previous_title=previous.title,
        previous_version=previous.checklist_version.number,
        current_version=audit.checklist_version.number,
        previous_overall=before_scores.overall,
        current_overall=after_scores.overall,
        questions=_questions(before_questions, before_answers, after_questions, after_answers),
        principles=_principles(before_scores, after_scores),
        gates=[
            _gate(q, before.get(q.code), before_answers, after_answers, results)
            for q in after_questions
            if q.answer_kind == AnswerKind.GATE
        ],
    )


def _label(question: Question, answer: Answer | None) -> str:
    return answer_label(question, answer.value) if answer and answer.value else ""


def _questions(
    before_questions: list[Question],
    before_answers: dict[int, Answer],
    after_questions: list[Question],
    after_answers: dict[int, Answer],
) -> list[QuestionComparison]:
    before = {q.code: q for q in before_questions}
    after_codes = {q.code for q in after_questions}
    rows = []
    for question in after_questions:
        old = before.get(question.code)
        answer = after_answers.get(question.pk)
        old_answer = before_answers.get(old.pk) if old else None
        previous, current = _label(old, old_answer) if old else "", _label(question, answer)
        old_value = old_answer.value if old_answer else ""
        value = answer.value if answer else ""
        rows.append(
            QuestionComparison(
                code=question.code,
                principle=question.principle.name,
                text=question.text,
                previous=previous,
                current=current,
                status=NEW if old is None else (SAME if old_value == value else CHANGED),
                question_changed=question_changes(old, question) if old else "",
                needs_recheck=bool(answer and answer.needs_recheck),
            )
        )
    for old in before_questions:
        if old.code not in after_codes:
            rows.append(
                QuestionComparison(
                    code=old.code,
                    principle=old.principle.name,
                    text=old.text,
                    previous=_label(old, before_answers.get(old.pk)),
                    current="",
                    status=REMOVED,
                    question_changed="",
                    needs_recheck=False,
                )
            )
    return rows


def _principles(before: AuditScores, after: AuditScores) -> list[PrincipleComparison]:
    codes = [p.code for p in after.principles]
    codes += [p.code for p in before.principles if p.code not in codes]
    rows = []
    for code in codes:
        old, new = before.for_principle(code), after.for_principle(code)
        shown = new or old
        assert shown is not None  # the code came from one of the two
        rows.append(
            PrincipleComparison(
                code=code,
                name=shown.name,
                previous=old.score if old else None,
                previous_band=old.band if old else "unscored",
                current=new.score if new else None,
                current_band=new.band if new else "unscored",
            )
        )
    return rows


def _gate(
    question: Question,
    old: Question | None,
    before_answers: dict[int, Answer],
    after_answers: dict[int, Answer],
    results: dict[int, dict],
) -> GateComparison:
    gate = question.gate or {}
    answer = after_answers.get(question.pk)
    old_answer = before_answers.get(old.pk) if old else None
    previous_run = old_answer.run_id if old_answer else None
    current_run = answer.run_id if answer else None
    before = _values(gate, results.get(previous_run) if previous_run else None)
    after = _values(gate, results.get(current_run) if current_run else None)
    metric = str(gate.get("metric", ""))
    groupings = [
        GroupingComparison(
            grouping=grouping,
            previous=metric_cell(metric, before.get(grouping)),
            current=metric_cell(metric, after.get(grouping)),
            change=_change(metric, before.get(grouping), after.get(grouping)),
        )
        for grouping in [*after, *(g for g in before if g not in after)]
    ]
    return GateComparison(
        code=question.code,
        description=describe_gate(question.gate),
        previous_run=previous_run,
        current_run=current_run,
        previous_answer=_label(old, old_answer) if old else "",
        current_answer=_label(question, answer),
        groupings=groupings,
    )


def _values(gate: dict, result: dict | None) -> dict[str, float | None]:
    """{grouping: the gate metric's value} in a run's document (empty without a run)."""
    if result is None:
        return {}
    checks = [c for c in result.get("checks", []) if same_check(c, gate)]
    return {str(c.get("grouping", "")): c.get("value") for c in checks}


def _change(metric: str, before: float | None, after: float | None) -> Cell:
    if before is None or after is None:
        return metric_cell(metric, None, why="no value in one of the runs")
    change = metric_cell(metric, after - before)
    digits = digits_for(metric)
    sign = "+" if after - before > 0 else ""
    return Cell(text=f"{sign}{after - before:.{digits}f}", exact=change.exact, value=change.value)
