"""The lower layer's data, one module per concern; import from here."""

from networks.models import mutual_aid, rapid_response  # noqa: F401 - registers them
from networks.models.notifications import (
    Notification,
    NotificationKind,
    NotificationPreference,
    NotificationState,
)
from networks.models.organizations import (
    ORGANIZING_ROLES,
    AuditEntry,
    AuditVerb,
    FeedToken,
    Heartbeat,
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    SourceDocument,
    SourceKind,
)

__all__ = [
    "ORGANIZING_ROLES",
    "AuditEntry",
    "AuditVerb",
    "FeedToken",
    "Heartbeat",
    "Invitation",
    "Membership",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "NotificationState",
    "Organization",
    "OrganizationKind",
    "Role",
    "SourceDocument",
    "SourceKind",
]
