"""The frameworks questions cite, and the parts of each an auditor is asked about first.

A question's `references` are tags such as ``EU AI Act Art. 10(2)(f)`` or ``NIST AI RMF MEASURE
2.11``: the framework's name, then its article, function or clause. `split_reference` reads a tag;
`CATALOG` lists, per framework, the parts a coverage view shows even when no question cites them
(so "not covered" is visible, not silent). The catalog follows the reference notes the checklist
was written from (the EU AI Act's articles on high-risk systems, the NIST AI RMF's subcategories,
ISO/IEC 42001's clauses and Annex A objectives, NYC Local Law 144's rules).
"""

import re

FRAMEWORKS = (
    "EU AI Act",
    "NIST AI RMF",
    "ISO/IEC 42001",
    "NYC LL144",
    "GDPR",
    "US EEOC",
)
OTHER = "Other"

CATALOG: dict[str, tuple[tuple[str, str], ...]] = {
    "EU AI Act": (
        ("Art. 4", "AI literacy of staff dealing with AI systems"),
        ("Art. 5", "prohibited practices"),
        ("Art. 6", "high-risk classification"),
        ("Art. 9", "risk management system across the life cycle"),
        ("Art. 10", "data and data governance: bias examination and mitigation"),
        ("Art. 11", "technical documentation"),
        ("Art. 12", "record-keeping (automatic logging)"),
        ("Art. 13", "transparency and information to deployers"),
        ("Art. 14", "human oversight"),
        ("Art. 15", "accuracy, robustness and cybersecurity"),
        ("Art. 17", "quality management system"),
        ("Art. 26", "obligations of deployers"),
        ("Art. 27", "fundamental rights impact assessment"),
        ("Art. 50", "transparency for certain AI systems"),
        ("Art. 72", "post-market monitoring"),
        ("Art. 73", "reporting of serious incidents"),
        ("Art. 86", "right to an explanation of individual decision-making"),
        ("Annex IV", "technical documentation contents"),
    ),
    "NIST AI RMF": (
        ("GOVERN", "policies, roles, accountability, third-party risks"),
        ("MAP", "context, purpose, impacts"),
        ("MEASURE", "metrics, testing, fairness and bias evaluation"),
        ("MANAGE", "response, monitoring, deactivation, incidents"),
    ),
    "ISO/IEC 42001": (
        ("5", "leadership: AI policy, roles"),
        ("6", "planning: AI risk assessment, impact assessment"),
        ("8", "operation: impact assessment in operation"),
        ("9", "performance evaluation: internal audit, management review"),
        ("10", "improvement: nonconformity and corrective action"),
        ("A.2", "AI policies"),
        ("A.3", "internal organisation"),
        ("A.4", "resources for AI systems"),
        ("A.5", "assessing impacts of AI systems"),
        ("A.6", "AI system life cycle"),
        ("A.7", "data for AI systems"),
        ("A.8", "information for interested parties"),
        ("A.9", "use of AI systems"),
        ("A.10", "third-party and customer relationships"),
    ),
    "NYC LL144": (
        ("§5-301", "bias audit: selection and scoring rates, impact ratios"),
        ("§5-302", "data used for the bias audit"),
        ("§5-303", "published results of the bias audit"),
        ("§5-304", "notice to candidates and employees"),
    ),
}

_EU_PART = re.compile(r"^(Art\. \d+|Annex [IVXLC]+)")
_ISO_PART = re.compile(r"^(A\.\d+|\d+)")


def split_reference(tag: str) -> tuple[str, str]:
    """``(framework, clause)`` of a reference tag; an unknown framework is "Other"."""
    tag = " ".join(tag.split())
    for framework in FRAMEWORKS:
        if tag == framework or tag.startswith(framework + " "):
            return framework, tag[len(framework) :].strip()
    return OTHER, tag


def catalog_part(framework: str, clause: str) -> str:
    """The catalog part a clause belongs to: ``Art. 10(2)(f)`` -> ``Art. 10``, ``MEASURE 2.11``
    -> ``MEASURE``, ``A.7.4`` -> ``A.7``, ``6.1.2`` -> ``6``; else the clause itself."""
    if framework == "EU AI Act":
        found = _EU_PART.match(clause)
        return found.group(1) if found else clause
    if framework == "NIST AI RMF":
        return clause.split(" ", 1)[0]
    if framework == "ISO/IEC 42001":
        found = _ISO_PART.match(clause)
        return found.group(1) if found else clause
    return clause
