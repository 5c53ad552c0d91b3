"""Center-wide settings that staff change from the admin pages (not from the environment)."""
