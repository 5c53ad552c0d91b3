"""Impact: optional check-in measures, the post-session question, stories, and reports."""
