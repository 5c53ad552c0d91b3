"""Staff accounts: login, roles, sessions that can be revoked, first-run setup."""
