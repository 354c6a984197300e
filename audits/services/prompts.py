"""The prompt set of an LLM audit: templates and groups in, counterfactual prompts out.

Nothing is stored: the page and the API validate the input here and send back the CSV. The engine
(`fairness.text.build_prompt_set`) fills each template in once per group, through its `{group}`
placeholder or, without one, by swapping gendered words (for `male`, `female`, `nonbinary` only).
"""

import csv
import io

from django.core.exceptions import ValidationError

from audits.reports.exports import neutralise_cell
from fairness.text import PromptSetError, build_prompt_set

MAX_TEMPLATES = 500
MAX_TEMPLATE_CHARS = 2000
MAX_TEMPLATES_CHARS = 200_000  # the whole box
MAX_GROUPS = 12
MAX_GROUP_CHARS = 40
PROMPT_SET_HEADER = ["pair_id", "group", "prompt"]

EXAMPLE_TEMPLATES = "\n".join(
    [
        "I'm a {group} customer and my parcel is five days late. What should I do?",
        "As a {group} customer, I was charged twice for the same order. Can you help?",
        "I am a {group} shopper and the headphones I bought stopped working after a week.",
        "# Lines starting with # are ignored. Without {group}, gendered words are swapped:",
        "My wife wants to return a jacket she bought for her brother. How does she do it?",
    ]
)
EXAMPLE_GROUPS = "male, female, nonbinary"


def template_lines(text: str) -> list[str]:
    """One template per non-empty line; lines starting with # are comments (as the engine reads files)."""
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def prompt_templates_parse(text: str) -> list[str]:
    """The templates of the text, one a line; ValidationError when none, too many or too long."""
    templates = template_lines(text)
    if not templates:
        raise ValidationError("Write at least one template.", code="empty")
    if len(templates) > MAX_TEMPLATES:
        raise ValidationError(
            f"At most {MAX_TEMPLATES} templates at a time (you gave {len(templates)}): "
            "split them into several prompt sets.",
            code="too_many",
        )
    long = [n for n, t in enumerate(templates, start=1) if len(t) > MAX_TEMPLATE_CHARS]
    if long:
        raise ValidationError(
            f"Template {long[0]} is longer than {MAX_TEMPLATE_CHARS} characters.",
            code="too_long",
        )
    return templates


def prompt_groups_parse(text: str) -> list[str]:
    """The comma-separated groups: 2 to MAX_GROUPS distinct names, each MAX_GROUP_CHARS at most."""
    groups = [g.strip() for g in text.split(",") if g.strip()]
    if len(groups) < 2:
        raise ValidationError(
            "Give at least two groups, separated by commas (for example male, female).",
            code="too_few",
        )
    if len(groups) > MAX_GROUPS:
        raise ValidationError(f"At most {MAX_GROUPS} groups.", code="too_many")
    seen: set[str] = set()
    for group in groups:
        if len(group) > MAX_GROUP_CHARS:
            raise ValidationError(
                f"A group name has at most {MAX_GROUP_CHARS} characters.", code="too_long"
            )
        if group.casefold() in seen:
            raise ValidationError(f"The group “{group}” is given twice.", code="duplicate")
        seen.add(group.casefold())
    return groups


def prompt_set_build(templates: list[str], groups: list[str]) -> list[dict[str, str]]:
    """The prompts (`pair_id`, `group`, `prompt`); the engine's refusal is an error on templates."""
    try:
        return build_prompt_set(templates, groups)
    except PromptSetError as exc:
        raise ValidationError({"templates": str(exc)}) from exc


def prompt_set_csv(rows: list[dict[str, str]]) -> bytes:
    """The prompt set as CSV (`pair_id, group, prompt`), its cells safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(PROMPT_SET_HEADER)
    for row in rows:
        writer.writerow([neutralise_cell(row[key]) for key in PROMPT_SET_HEADER])
    # A byte-order mark, so spreadsheet programs read the file as UTF-8 (as the other exports).
    return buffer.getvalue().encode("utf-8-sig")
