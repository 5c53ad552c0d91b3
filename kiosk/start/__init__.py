"""The kiosk's start screen, its reset, and the language switch."""
