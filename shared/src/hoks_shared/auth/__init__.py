"""Authentication (OpenID Connect bearer tokens), roles, object-level checks and the audit trail."""

from hoks_shared.auth.audit import AUDIT_LOG, AuditTrail
from hoks_shared.auth.dependencies import Allow, AllowPage, AuditDep, LoginRequired
from hoks_shared.auth.principal import Principal
from hoks_shared.auth.roles import ALL_STAFF, MEETING_STAFF, SPECIALISTS, Role
from hoks_shared.auth.settings import AuthSettings
from hoks_shared.auth.tokens import InvalidToken, TokenVerifier

__all__ = [
    "ALL_STAFF", "AUDIT_LOG", "MEETING_STAFF", "SPECIALISTS", "Allow", "AllowPage", "AuditDep",
    "AuditTrail", "AuthSettings", "InvalidToken", "LoginRequired", "Principal", "Role", "TokenVerifier",
]
