"""Import every area's models so the metadata (and Alembic) sees all tables."""

from .auth.models import LoginFailure, SetupToken, StaffSession, User
from .center.models import CenterSetting
from .checks import attach
from .extensions import db
from .help.models import (
    CrisisLine,
    CrisisLineSeed,
    HelpDailyCount,
    ProfessionalHelpRequest,
    QuietWordRequest,
)
from .introductions.models import (
    Introduction,
    IntroductionMonthlyCount,
    IntroductionTransition,
    PeerSupporter,
)
from .ops.models import OperationRun
from .reports.models import MeasureAnswer, PostSessionAnswer
from .resources.models import (
    Organization,
    ResourceCategory,
    ResourceChange,
    ResourceHours,
    ResourceHoursException,
    ResourceService,
    ResourceViewCount,
)
from .sessions.models import (
    AttendanceCount,
    GroupSession,
    SessionFacilitator,
    SessionNote,
    SignIn,
)
from .signin.models import CodeAttempt, KioskDevice, VisitorCode
from .versions import DataVersion

__all__ = [
    "AttendanceCount",
    "CenterSetting",
    "CodeAttempt",
    "CrisisLine",
    "CrisisLineSeed",
    "DataVersion",
    "GroupSession",
    "HelpDailyCount",
    "Introduction",
    "IntroductionMonthlyCount",
    "IntroductionTransition",
    "KioskDevice",
    "LoginFailure",
    "MeasureAnswer",
    "OperationRun",
    "Organization",
    "PeerSupporter",
    "PostSessionAnswer",
    "ProfessionalHelpRequest",
    "QuietWordRequest",
    "ResourceCategory",
    "ResourceChange",
    "ResourceHours",
    "ResourceHoursException",
    "ResourceService",
    "ResourceViewCount",
    "SessionFacilitator",
    "SessionNote",
    "SetupToken",
    "SignIn",
    "StaffSession",
    "User",
    "VisitorCode",
]


# After every model: the CHECK constraints name columns of all areas.
attach(db.metadata)
