"""Health check for monitoring and for staff."""
