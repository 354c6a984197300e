from .answers import Answer
from .audit import Audit, AuditStatus, RiskTier
from .datasets import Dataset, DatasetKind, FairnessRun, RunStatus
from .evidence import Evidence
from .reviews import (
    ActionStatus,
    Decision,
    RemediationAction,
    ReportSnapshot,
    Review,
    SnapshotKind,
)
from .teams import Membership, Role, Team

__all__ = [
    "ActionStatus",
    "Answer",
    "Audit",
    "AuditStatus",
    "Dataset",
    "DatasetKind",
    "Decision",
    "Evidence",
    "FairnessRun",
    "Membership",
    "RemediationAction",
    "ReportSnapshot",
    "Review",
    "RiskTier",
    "Role",
    "RunStatus",
    "SnapshotKind",
    "Team",
]
