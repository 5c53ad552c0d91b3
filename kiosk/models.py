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

__all__ = ["CenterSetting", "CrisisLine", "CrisisLineSeed", "HelpDailyCount", "LoginFailure",
           "ProfessionalHelpRequest", "QuietWordRequest", "SetupToken", "StaffSession", "User"]
