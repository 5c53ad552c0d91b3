"""Group sessions, sign-ins, the facilitator console and attendance sheets."""
