"""Fixtures for datasets and fairness runs: a checklist with metric gates, hand-checked CSVs, uploads.

Every test here gets its own private media folder and upload temp folder, so "no stray file" is a
plain listing of them.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits.models import AuditStatus
from audits.services.datasets import dataset_ingest
from checklists.models import AnswerKind, VersionStatus
from tests.factories import ChecklistVersionFactory, PrincipleFactory, QuestionFactory

GATES = {
    "FAIR-G1": {"metric": "impact_ratio", "comparison": ">=", "threshold": 0.8},
    "FAIR-G2": {"metric": "demographic_parity_ratio", "comparison": ">=", "threshold": 0.8},
    "FAIR-G3": {"metric": "equalized_odds_difference", "comparison": "<=", "threshold": 0.5},
}


def biased_csv(*, male=(100, 50), female=(100, 20), extra_rows: str = "") -> bytes:
    """`sex,label,pred,score` rows: (count, selected) per group; half of each group has label 1.

    With the defaults, selection rates are 0.5 (M) and 0.2 (F): impact ratio 0.4 for F, below the
    four-fifths screen, and a demographic parity ratio of 0.4.
    """
    lines = ["sex,label,pred,score"]
    for sex, (count, selected) in (("M", male), ("F", female)):
        for i in range(count):
            pred = 1 if i < selected else 0
            label = i % 2
            lines.append(f"{sex},{label},{pred},{0.9 if pred else 0.1}")
    return ("\n".join(lines) + "\n" + extra_rows).encode()


def fair_csv() -> bytes:
    """Both groups selected at 0.5, 1,000 people each: every check passes, its whole interval too.

    (With 100 people each the ratios' 95% intervals reach below 0.8: inconclusive.)
    """
    return biased_csv(male=(1000, 500), female=(1000, 500))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """A private media root and upload temp dir for this test only."""
    root = tmp_path / "media"
    uploads = tmp_path / "upload-tmp"
    root.mkdir()
    uploads.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    settings.MEDIA_ROOT = str(root)
    settings.FILE_UPLOAD_TEMP_DIR = str(uploads)
    settings.FAIRNESS_JOB_MODE = "sync"
    settings.FAIRNESS_BOOTSTRAP_DRAWS = 50
    return root


def stored_files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def upload_tmp(settings):
    from pathlib import Path

    return Path(settings.FILE_UPLOAD_TEMP_DIR)


def gated_version(gates: dict | None = None):
    """A published version: one yes/no question, then a metric-gate question per entry of `gates`."""
    version = ChecklistVersionFactory(status=VersionStatus.DRAFT)
    principle = PrincipleFactory(code="fairness", name="Fairness", order=1)
    QuestionFactory(version=version, principle=principle, code="FAIR-01", order=1)
    for order, (code, gate) in enumerate((GATES if gates is None else gates).items(), start=2):
        QuestionFactory(
            version=version,
            principle=principle,
            code=code,
            answer_kind=AnswerKind.GATE,
            gate=gate,
            order=order,
        )
    version.status = VersionStatus.PUBLISHED
    version.save()
    return version


@pytest.fixture
def checklist_version(db):
    """Overrides the suite's version: one yes/no question and three metric gates."""
    return gated_version()


@pytest.fixture
def gate_questions(checklist_version):
    return {q.code: q for q in checklist_version.questions.filter(answer_kind=AnswerKind.GATE)}


def upload_file(content: bytes, name: str = "predictions.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def post_upload(client, audit, content: bytes, name: str = "predictions.csv", kind: str = ""):
    """POST a file to the upload view as a browser would (multipart); `kind` "llm" for responses."""
    data: dict = {"file": io.BytesIO(content)}
    data["file"].name = name
    if kind:
        data["kind"] = kind
    return client.post(reverse("audits:dataset_upload", args=[audit.pk]), data)


@pytest.fixture
def make_dataset(audit, owner):
    def make(content: bytes = None, name: str = "predictions.csv"):
        import hashlib

        content = biased_csv() if content is None else content
        return dataset_ingest(
            audit=audit,
            user=owner,
            uploaded_file=upload_file(content, name),
            sha256=hashlib.sha256(content).hexdigest(),
        )

    return make


@pytest.fixture
def dataset(make_dataset):
    return make_dataset()


MAPPING = {
    "y_true": "label",
    "y_pred": "pred",
    "score": None,
    "sensitive": ["sex"],
    "pos_label": "1",
}


def mapping_post(**overrides) -> dict:
    """The mapping form's POST data for `biased_csv` files."""
    data = {
        "y_true": "label",
        "y_pred": "pred",
        "score": "",
        "threshold": "0.5",
        "sensitive": ["sex"],
        "pos_label": "1",
        "pos_label_other": "",
        "reference_policy": "highest",
        "reference_group": "",
        "exclusion_share": "0.02",
        "four_fifths_threshold": "0.8",
        "min_group_size": "30",
        "disparity_method": "between_groups",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_run(dataset, owner):
    from audits.services.datasets import run_create

    def make(*, mapping: dict | None = None, options: dict | None = None, user=None, on=None):
        return run_create(
            dataset=on or dataset,
            user=user or owner,
            mapping={**MAPPING, **(mapping or {})},
            options=options or {},
        )

    return make


@pytest.fixture
def approve(db):
    def approve(audit):
        approver = get_user_model().objects.create_user("approver", password="pw")
        type(audit).objects.filter(pk=audit.pk).update(
            status=AuditStatus.APPROVED, approved_by=approver
        )
        audit.refresh_from_db()
        return audit

    return approve
