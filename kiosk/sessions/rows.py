"""The roster's and the printed sheet's table rows, joined as pre-escaped markup.

A 200-row roster is re-rendered on every changed poll and a sheet can have thousands of rows;
a Jinja loop with filters, ``gettext`` and ``url_for`` per row was most of those requests'
time (issue 14). The templates still own every word and the page around the rows: they
translate each label once and hand it here (as Jinja's ``_()`` made it, so translations stay
trusted markup exactly as before), and these functions only repeat the row markup, escaping
each value typed by a person. The output is byte for byte what the old loops printed
(``tests/sessions/test_rows.py`` renders both and compares them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

from .services import Entry, Source

# Placeholders the templates put in their once-translated labels, replaced per row. Entry ids
# and guest numbers are plain, and the replacement is one pass: a name someone typed that
# contains a marker is never itself replaced.
GUEST_MARKER = "~N~"
LABEL_MARKER = "~LABEL~"
ENTRY_MARKER = "~ENTRY~"

# The characters ``escape`` changes. Most names (and every entry id) hold none, and checking for
# them costs a fraction of escaping, which makes a new Markup string each time: a third of a
# changed poll's row building (issue 14). Anything that holds one is escaped exactly as before.
_TO_ESCAPE = re.compile("[&<>\"']").search


def _escaped(text: str) -> str:
    """``escape(text)`` as a plain string, built only when there is something to escape."""
    return str(escape(text)) if _TO_ESCAPE(text) else text


def roster_rows(
    entries: Iterable[Entry],
    *,
    remove_url: str,
    guest_label: str,
    remove_label: str,
    paper_hint: str,
    first_time: str,
) -> Markup:
    """The live roster's ``<tr>`` rows (``templates/sessions/_roster.html``).

    ``remove_url`` holds ``ENTRY_MARKER`` for the entry id; ``guest_label`` and
    ``remove_label`` are the translated "Guest %(n)s" and "Remove %(label)s" with
    ``GUEST_MARKER`` and ``LABEL_MARKER`` in place of their values.
    """
    url_before, _sep, url_after = str(remove_url).partition(ENTRY_MARKER)
    url_before, url_after = str(escape(url_before)), str(escape(url_after))
    guest, remove = str(guest_label), str(remove_label)
    paper = f' <span class="hint">({paper_hint})</span>'
    first = f"★ {first_time}"
    paper_source = Source.PAPER.value
    out = []
    # Unpacked, not read by attribute: this loop runs once per person on every changed poll.
    for entry_id, name, number, is_first, _returning, source, duplicate in entries:
        if name:
            shown = f"{name} ({duplicate})" if duplicate else name
            label = f'<span dir="auto">{_escaped(shown)}</span>'
        else:
            label = guest.replace(GUEST_MARKER, str(number))
        out.append(
            f"\n      \n      <tr>\n        <td>{label}"
            f"{paper if source == paper_source else ''}</td>\n"
            f"        <td>{first if is_first else ''}</td>\n"
            f'        <td><a href="{url_before}{_escaped(entry_id)}{url_after}">'
            f"{remove.replace(LABEL_MARKER, label)}</a></td>\n      </tr>\n    "
        )
    return Markup("".join(out))  # noqa: S704  (every typed value is escaped above)


def sheet_rows(
    entries: Iterable[Entry], *, guest_label: str, yes: str, returning: str, not_said: str
) -> Markup:
    """The printed sheet's ``<tr>`` rows (``templates/sessions/sheet.html``): a name or
    "Guest n" (``guest_label`` holds ``GUEST_MARKER``), and first time / returning / not said.
    Never a code: a roster entry has none."""
    guest = str(guest_label)
    first, back, unknown = f"✓ {yes}", str(returning), str(not_said)
    out = []
    # Unpacked, not read by attribute: this loop runs once per person, thousands per sheet.
    for _id, name, number, is_first, is_returning, _source, duplicate in entries:
        if name:
            who = f'<span dir="auto">{_escaped(name)}</span>'
            if duplicate:
                who = f"{who} ({duplicate})"
        else:
            who = guest.replace(GUEST_MARKER, str(number))
        visit = first if is_first else back if is_returning else unknown
        out.append(f"\n      <tr><td>{who}</td>\n        <td>{visit}</td></tr>\n    ")
    return Markup("".join(out))  # noqa: S704  (every typed value is escaped above)
