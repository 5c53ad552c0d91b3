"""The resource directory: local help attendees can look up offline, kept true by staff."""
