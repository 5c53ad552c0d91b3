"""Import every area's models so the metadata (and Alembic) sees all tables."""

from .auth.models import LoginFailure, SetupToken, StaffSession, User
from .center.models import CenterSetting
from .resources.models import (
    Organization,
    ResourceCategory,
    ResourceChange,
    ResourceHours,
    ResourceHoursException,
    ResourceService,
    ResourceViewCount,
)

__all__ = ["CenterSetting", "LoginFailure", "Organization", "ResourceCategory", "ResourceChange",
           "ResourceHours", "ResourceHoursException", "ResourceService", "ResourceViewCount",
           "SetupToken", "StaffSession", "User"]
