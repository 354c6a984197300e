from .audit import Audit, AuditStatus, RiskTier
from .teams import Membership, Role, Team

__all__ = ["Audit", "AuditStatus", "Membership", "RiskTier", "Role", "Team"]
