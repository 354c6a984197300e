"""Adding version 2 of the default checklist leaves audits pinned to version 1 as they were."""

from audits.models import Audit
from checklists import services
from checklists.models import ChecklistVersion
from tests.factories import AuditFactory


def test_audits_pinned_to_version_1_keep_it_when_version_2_arrives(db, team, auditor):
    v1 = services.default_checklist_load(path=services.DEFAULT_CHECKLIST_PATH)
    audit = AuditFactory(team=team, checklist_version=v1, created_by=auditor)
    codes = sorted(audit.checklist_version.questions.values_list("code", flat=True))

    services.default_checklist_load()
    v2 = ChecklistVersion.objects.get(checklist=v1.checklist, number=2)
    audit = Audit.objects.get(pk=audit.pk)
    assert audit.checklist_version_id == v1.pk
    assert sorted(audit.checklist_version.questions.values_list("code", flat=True)) == codes
    assert "FAIR-15" not in codes
    assert v2.questions.filter(code="FAIR-15").exists()
