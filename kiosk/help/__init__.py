"""Help now: crisis lines, the quiet word, the professional-help flag, a plan."""
