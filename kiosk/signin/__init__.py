"""Kiosk sign-in flow, visitor codes and enrolled kiosks."""
