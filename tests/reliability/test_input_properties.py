"""Issue 9 point 2 (research B1, B2): no input gives a 500, and nothing is stored with controls.

Every POST endpoint of the role matrix (so every form endpoint in app.url_map, automatically) is
posted with valid-looking forms in which Hypothesis replaces fields with text full of NUL, C0 and
C1 controls, CR LF and bidi overrides. Runs on SQLite and, with KIOSK_TEST_DATABASE_URL, on
PostgreSQL, where a NUL in a text parameter used to be a 500. max_examples stays modest so the
suite stays quick; raise HYPOTHESIS_EXAMPLES for a longer run.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Staff, csrf_from
from tests.reliability.forms import form_fields, merged, post_endpoints, stored_with_controls
from tests.role_matrix import setup_values

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "6"))
# Where a POST-only endpoint's form is shown.
FORM_PAGE = {"signin.step": "/", "help.plan_step": "/plan"}
NASTY = [*"\x00\x01\x08\x0b\x0c\x1b\x7f\x80\x85\x9f\u202a\u202e\u2066\u2069\r\n\t", "\r\n", "%00"]
text_with_controls = st.lists(
    st.one_of(
        st.sampled_from(NASTY),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=8),
    ),
    min_size=1,
    max_size=8,
).map("".join)


@pytest.mark.parametrize(("endpoint", "path", "data"), post_endpoints())
def test_no_input_gives_a_500_or_is_stored_with_controls(
    app: Flask, staff: Staff, endpoint: str, path: str, data: tuple[tuple[str, str], ...]
) -> None:
    values = setup_values(app)
    url = path.format(**values)
    client = staff.client_for("admin", "fuzz-admin")
    page = client.get(FORM_PAGE.get(endpoint, url))
    base = dict(data)
    if page.status_code == 200:
        html = page.get_data(as_text=True)
        base = merged(form_fields(html), base)
    names = sorted(set(base) - {"csrf_token"} | {"name"})

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.dictionaries(st.sampled_from(names), text_with_controls, min_size=1, max_size=3),
        st.booleans(),
    )
    def check(changes: dict[str, str], as_htmx: bool) -> None:
        token = csrf_from(client.get("/staff/login").get_data(as_text=True))
        form: dict[str, Any] = merged(base, changes)
        form["csrf_token"] = token
        headers = {"HX-Request": "true"} if as_htmx else {}
        response = client.post(url, data=form, headers=headers)
        assert response.status_code != 500, f"{endpoint} {changes!r}"
        assert b"Traceback" not in response.data
        with app.app_context():
            assert stored_with_controls() == [], f"{endpoint} {changes!r}"

    check()
