"""Import every area's models so the metadata (and Alembic) sees all tables."""

from .auth.models import LoginFailure, SetupToken, StaffSession, User
from .center.models import CenterSetting
from .sessions.models import GroupSession, SessionNote, SignIn
from .signin.models import CodeAttempt, KioskDevice, VisitorCode

__all__ = ["CenterSetting", "CodeAttempt", "GroupSession", "KioskDevice", "LoginFailure",
           "SessionNote", "SetupToken", "SignIn", "StaffSession", "User", "VisitorCode"]
