"""Admin pages: staff accounts (and, as areas land, settings and kiosks)."""
