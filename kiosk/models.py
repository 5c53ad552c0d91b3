"""Import every area's models so the metadata (and Alembic) sees all tables."""

from .auth.models import LoginFailure, SetupToken, StaffSession, User
from .center.models import CenterSetting

__all__ = ["CenterSetting", "LoginFailure", "SetupToken", "StaffSession", "User"]
