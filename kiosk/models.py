"""Import every area's models so the metadata (and Alembic) sees all tables."""

from .auth.models import LoginFailure, SetupToken, StaffSession, User

__all__ = ["LoginFailure", "SetupToken", "StaffSession", "User"]
