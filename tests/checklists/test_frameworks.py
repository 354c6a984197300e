"""Reading reference tags: framework, clause, and the catalog part a clause belongs to."""

import pytest

from checklists.frameworks import CATALOG, catalog_part, split_reference


@pytest.mark.parametrize(
    ("tag", "framework", "clause", "part"),
    [
        ("EU AI Act Art. 10(2)(f)", "EU AI Act", "Art. 10(2)(f)", "Art. 10"),
        ("EU AI Act Art. 13(3)(b)(iv)", "EU AI Act", "Art. 13(3)(b)(iv)", "Art. 13"),
        ("EU AI Act Annex IV", "EU AI Act", "Annex IV", "Annex IV"),
        ("NIST AI RMF MEASURE 2.11", "NIST AI RMF", "MEASURE 2.11", "MEASURE"),
        ("ISO/IEC 42001 A.7.4", "ISO/IEC 42001", "A.7.4", "A.7"),
        ("ISO/IEC 42001 6.1.2", "ISO/IEC 42001", "6.1.2", "6"),
        ("ISO/IEC 42001 A.10", "ISO/IEC 42001", "A.10", "A.10"),
        ("NYC LL144 §5-301", "NYC LL144", "§5-301", "§5-301"),
        ("GDPR Art. 22", "GDPR", "Art. 22", "Art. 22"),
        ("  EU  AI Act   Art. 9 ", "EU AI Act", "Art. 9", "Art. 9"),
        ("Company policy 4.2", "Other", "Company policy 4.2", "Company policy 4.2"),
    ],
)
def test_reference_tags_are_split_into_framework_clause_and_part(tag, framework, clause, part):
    assert split_reference(tag) == (framework, clause)
    assert catalog_part(framework, clause) == part


def test_every_catalog_part_is_its_own_part():
    # A tag that names exactly a catalog part lands on that part.
    for framework, parts in CATALOG.items():
        for part, subject in parts:
            assert catalog_part(framework, part) == part, (framework, part)
            assert subject
