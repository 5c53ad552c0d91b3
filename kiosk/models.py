"""Import every area's models so the metadata (and Alembic) sees all tables."""

from .auth.models import LoginFailure, SetupToken, StaffSession, User
from .center.models import CenterSetting
from .help.models import (
    CrisisLine,
    CrisisLineSeed,
    HelpDailyCount,
    ProfessionalHelpRequest,
    QuietWordRequest,
)
from .resources.models import (
    Organization,
    ResourceCategory,
    ResourceChange,
    ResourceHours,
    ResourceHoursException,
    ResourceService,
    ResourceViewCount,
)
from .sessions.models import GroupSession, SessionNote, SignIn
from .signin.models import CodeAttempt, KioskDevice, VisitorCode
from .versions import DataVersion

__all__ = [
    "CenterSetting",
    "CodeAttempt",
    "CrisisLine",
    "CrisisLineSeed",
    "DataVersion",
    "GroupSession",
    "HelpDailyCount",
    "KioskDevice",
    "LoginFailure",
    "Organization",
    "ProfessionalHelpRequest",
    "QuietWordRequest",
    "ResourceCategory",
    "ResourceChange",
    "ResourceHours",
    "ResourceHoursException",
    "ResourceService",
    "ResourceViewCount",
    "SessionNote",
    "SetupToken",
    "SignIn",
    "StaffSession",
    "User",
    "VisitorCode",
]
