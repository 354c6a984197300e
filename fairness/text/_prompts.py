"""Counterfactual prompt sets: each template filled in once per group.

A template names its group with a ``{group}`` placeholder, or, for gender, with words that are
swapped (LangFair-style): ``he/she/they``, ``him/her/them``, ``his/her/their``, ``man/woman/
person``... (:data:`GENDER_SWAPS`, groups ``male``, ``female``, ``nonbinary``). The case of the
first letter is kept; ``her`` becomes ``his`` (the possessive), and verbs are not conjugated
(``she is`` becomes ``they is``), so check swapped prompts before use.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

PLACEHOLDER = "{group}"
#: Aligned word lists: the k-th word of one group becomes the k-th word of another.
GENDER_SWAPS: dict[str, tuple[str, ...]] = {
    "male": ("he", "him", "his", "himself", "man", "men", "boy", "boys", "father", "fathers",
             "son", "sons", "brother", "brothers", "husband", "husbands", "mr", "sir", "male",
             "males", "gentleman", "gentlemen", "boyfriend", "uncle", "nephew", "grandfather",
             "dad", "king"),
    "female": ("she", "her", "her", "herself", "woman", "women", "girl", "girls", "mother",
               "mothers", "daughter", "daughters", "sister", "sisters", "wife", "wives", "mrs",
               "madam", "female", "females", "lady", "ladies", "girlfriend", "aunt", "niece",
               "grandmother", "mom", "queen"),
    "nonbinary": ("they", "them", "their", "themself", "person", "people", "child", "children",
                  "parent", "parents", "child", "children", "sibling", "siblings", "spouse",
                  "spouses", "mx", "friend", "nonbinary", "nonbinary people", "person", "people",
                  "partner", "relative", "relative", "grandparent", "parent", "monarch"),
}  # fmt: skip
_WORD = re.compile(r"\b[A-Za-z]+\b")
NO_GROUP_MENTION = (
    "Template {line} has no {{group}} placeholder and no word to swap (he/she, his/her, "
    "man/woman, ...): {text}"
)
UNKNOWN_SWAP_GROUP = (
    "Word swaps know the groups {known}; '{group}' is not one: use a {{group}} placeholder."
)
NO_TEMPLATES = "No templates in {path}: write one per line, or a CSV with a 'template' column."
TOO_FEW_GROUPS = "Give at least two groups (for example male,female)."


class PromptSetError(ValueError):
    """The templates or groups cannot make a prompt set."""


def _lookup() -> dict[str, int]:
    index: dict[str, int] = {}
    for words in GENDER_SWAPS.values():
        for position, word in enumerate(words):
            if " " not in word:
                index.setdefault(word, position)
    index["her"] = GENDER_SWAPS["male"].index("his")
    return index


_INDEX = _lookup()


def read_templates(path: str | Path) -> list[str]:
    """Templates from a text file (one per line, ``#`` comments) or a CSV with ``template``."""
    text = Path(path).read_text(encoding="utf-8-sig")
    first = text.split("\n", 1)[0]
    if "template" in [c.strip().lower() for c in next(csv.reader([first]), [])]:
        reader = csv.DictReader(io.StringIO(text))
        key = next(k for k in reader.fieldnames or [] if k.strip().lower() == "template")
        templates = [row[key].strip() for row in reader if (row.get(key) or "").strip()]
    else:
        templates = [
            line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ]  # fmt: skip
    if not templates:
        raise PromptSetError(NO_TEMPLATES.format(path=path))
    return templates


def _swap(template: str, group: str) -> str:
    words = GENDER_SWAPS[group]

    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        position = _INDEX.get(word.lower())
        if position is None:
            return word
        new = words[position]
        if word.isupper() and len(word) > 1:
            return new.upper()
        return new[:1].upper() + new[1:] if word[:1].isupper() else new

    return _WORD.sub(replace, template)


def build_prompt_set(templates: Sequence[str], groups: Sequence[str]) -> list[dict[str, str]]:
    """Return rows ``{"pair_id", "group", "prompt"}``: template ``k`` (from 1) is pair ``k``."""
    groups = [g.strip() for g in groups if g.strip()]
    if len(set(groups)) < 2:
        raise PromptSetError(TOO_FEW_GROUPS)
    rows = []
    for number, template in enumerate(templates, start=1):
        if PLACEHOLDER in template:
            prompts = [template.replace(PLACEHOLDER, group) for group in groups]
        else:
            if not any(m.group(0).lower() in _INDEX for m in _WORD.finditer(template)):
                raise PromptSetError(NO_GROUP_MENTION.format(line=number, text=template))
            for group in groups:
                if group not in GENDER_SWAPS:
                    raise PromptSetError(
                        UNKNOWN_SWAP_GROUP.format(known=", ".join(GENDER_SWAPS), group=group)
                    )
            prompts = [_swap(template, group) for group in groups]
        rows += [
            {"pair_id": str(number), "group": group, "prompt": prompt}
            for group, prompt in zip(groups, prompts, strict=True)
        ]
    return rows


def write_prompt_set(rows: Sequence[dict[str, str]], path: str | Path) -> None:
    """Write the prompt set as CSV (``pair_id,group,prompt``)."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["pair_id", "group", "prompt"])
        writer.writeheader()
        writer.writerows(rows)
