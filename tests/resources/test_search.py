"""Kiosk lookup: prefix and synonym search, filters, crisis first, privacy of the search term."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.resources import services
from tests.conftest import csrf_from


def _names(html: str) -> list[str]:
    return re.findall(r'class="result-name"[^>]*>([^<]+)<', html)


def _search(client: FlaskClient, fragment: bool = True, **fields: str) -> Any:
    token = csrf_from(client.get("/resources").get_data(as_text=True))
    headers = {"HX-Request": "true"} if fragment else {}
    return client.post("/resources/search", data={"csrf_token": token, **fields}, headers=headers)


@pytest.fixture
def directory(add_service: Any) -> dict[str, Any]:
    """A small directory with one of everything the filters care about."""
    return {
        "counseling": add_service(
            name="Maple Counseling Center",
            categories="counseling",
            phone="+12025550101",
            hours="Mon-Sun 00:00-00:00",
            languages="en,es",
            cost="sliding",
        ),
        "pantry": add_service(
            name="Eastside Food Pantry",
            categories="food-pantry",
            phone="+12025550102",
            languages="en",
            cost="free",
        ),
        "crisis": add_service(
            name="Zeta Crisis Line",
            categories="crisis-line",
            phone="988",
            crisis="yes",
            languages="en,es",
            cost="free",
            hours="24/7",
            description="Talk to a counselor any time",
        ),
        "archived": add_service(
            name="Old Counseling Office",
            categories="counseling",
            phone="+12025550103",
            status="inactive",
        ),
        "spanish": add_service(
            name="Consejería Latina", phone="+12025550104", languages="es", cost="free"
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("therap", "Maple Counseling Center"),  # prefix of a synonym key
        ("therapist", "Maple Counseling Center"),  # synonym
        ("couns", "Maple Counseling Center"),  # prefix
        ("food bank", "Eastside Food Pantry"),  # phrase synonym
        ("groceries", "Eastside Food Pantry"),
        ("pantr", "Eastside Food Pantry"),
        ("consejeria", "Consejería Latina"),  # accents do not matter
        ("CONSEJERÍA", "Consejería Latina"),
        ("hotline", "Zeta Crisis Line"),
    ],
)
def test_search_finds(app_ctx: Flask, directory: dict[str, Any], query: str, expected: str) -> None:
    names = [listing.service.name for listing in services.find(query)]
    assert expected in names


@pytest.mark.parametrize(
    "query",
    [
        "zzzz",
        "Old Counseling Office",
        '"',
        "*",
        "-",
        "NEAR(",
        "_",
        "a_b",
        "a OR b",
        "x:*",
        "a & !b",
        "'; DROP TABLE resource_services; --",
    ],
)
def test_search_does_not_find_or_break(
    app_ctx: Flask, directory: dict[str, Any], query: str
) -> None:
    names = [listing.service.name for listing in services.find(query)]
    assert "Old Counseling Office" not in names  # archived services never show


def test_crisis_resources_always_first(app_ctx: Flask, directory: dict[str, Any]) -> None:
    names = [listing.service.name for listing in services.find("couns")]
    assert names[0] == "Zeta Crisis Line"
    assert "Maple Counseling Center" in names[1:]
    browse = [listing.service.name for listing in services.find("", language="es")]
    assert browse[0] == "Zeta Crisis Line"


def test_filters(app_ctx: Flask, directory: dict[str, Any]) -> None:
    def names(**kwargs: Any) -> set[str]:
        return {listing.service.name for listing in services.find("", **kwargs)}

    assert names(language="es") == {
        "Maple Counseling Center",
        "Zeta Crisis Line",
        "Consejería Latina",
    }
    assert names(free=True) == {"Eastside Food Pantry", "Zeta Crisis Line", "Consejería Latina"}
    assert names(category="counseling") == {"Maple Counseling Center"}
    # Hours unknown is not "open": only the two with hours that cover every moment are open.
    assert names(open_now=True) == {"Maple Counseling Center", "Zeta Crisis Line"}


def test_index_follows_edits(app_ctx: Flask, directory: dict[str, Any]) -> None:
    pantry = directory["pantry"]
    raw = services.input_from_service(services.get_service(pantry.uuid))
    raw.update(name="Riverside Grocery Shelf", categories="")
    data = services.parse_input(raw, "US", services.category_slugs())
    services.save_service(data, "tester", pantry.uuid)
    assert "Riverside Grocery Shelf" in [x.service.name for x in services.find("riverside")]
    assert "Riverside Grocery Shelf" not in [x.service.name for x in services.find("pantry")]
    services.archive(pantry.uuid, "tester")
    assert services.find("riverside") == []
    services.restore(pantry.uuid, "tester")
    assert len(services.find("riverside")) == 1


def test_search_page_and_fragment(client: FlaskClient, directory: dict[str, Any]) -> None:
    fragment = _search(client, q="therap")
    assert fragment.status_code == 200
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "Maple Counseling Center" in _names(body)
    # Each result names its organization (read in the same query as the result rows).
    assert re.search(r'class="result-org"><span dir="auto">Test Org</span><', body)
    assert "HX-Request" in fragment.headers.get("Vary", "")
    page = _search(client, fragment=False, q="therap")
    assert page.status_code == 200
    assert "<html" in page.get_data(as_text=True)
    assert "Maple Counseling Center" in _names(page.get_data(as_text=True))


def test_lookup_page_and_fragment(client: FlaskClient) -> None:
    page = client.get("/resources")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    assert 'autocomplete="off"' in page.get_data(as_text=True)
    fragment = client.get("/resources", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)


def test_browse_category_tile(client: FlaskClient, directory: dict[str, Any]) -> None:
    names = _names(_search(client, browse="food-pantry").get_data(as_text=True))
    assert names == ["Eastside Food Pantry"]
    # Made-up categories are ignored rather than failing.
    assert _search(client, browse="../../etc").status_code == 200


def test_search_without_token_is_refused(client: FlaskClient, directory: dict[str, Any]) -> None:
    response = client.post(
        "/resources/search", data={"q": "therap"}, headers={"HX-Request": "true"}
    )
    assert "Maple Counseling Center" not in response.get_data(as_text=True)


def test_search_term_is_not_in_urls_logs_or_storage(
    app: Flask, client: FlaskClient, directory: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    page = client.get("/resources").get_data(as_text=True)
    assert 'hx-post="/resources/search"' in page and 'method="post"' in page
    assert "hx-get" not in page
    caplog.set_level(logging.DEBUG)
    response = _search(client, q="secretword therap")
    assert response.headers["Cache-Control"] == "no-store"
    assert "secretword" not in caplog.text
    with app.app_context():
        from sqlalchemy import text

        from kiosk.extensions import db

        for (name,) in db.session.execute(
            text(
                "SELECT name FROM sqlite_master WHERE type='table'"
                if db.engine.dialect.name == "sqlite"
                else "SELECT tablename FROM pg_tables WHERE schemaname='public'"
            )
        ):
            if name.startswith("resource_search"):
                continue
            # Table names come from the database catalog, not from input.
            query = text(f'SELECT * FROM "{name}"')  # noqa: S608
            dump = str(db.session.execute(query).fetchall())
            assert "secretword" not in dump, name


def test_search_form_is_not_kept_for_the_next_person(
    client: FlaskClient, directory: dict[str, Any]
) -> None:
    _search(client, q="therap")
    fresh = client.get("/resources").get_data(as_text=True)
    assert "therap" not in fresh and "Maple Counseling Center" not in fresh


def test_lookup_in_spanish(client: FlaskClient, directory: dict[str, Any]) -> None:
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"lang": "es", "next": "/", "csrf_token": token})
    page = client.get("/resources").get_data(as_text=True)
    assert "Encontrar ayuda cerca" in page
    assert "Despensa de alimentos" in page and "Línea de crisis" in page  # category names
    assert "Food Pantry" not in page
    results = _search(client, q="consejeria").get_data(as_text=True)
    assert "Lugares encontrados" in results
    detail = client.get(f"/resources/{directory['crisis'].uuid}").get_data(as_text=True)
    assert "Abierto ahora" in detail and "inglés" in detail and "Gratis" in detail


def test_crisis_matches_stay_first_past_the_ranking_cap(
    app_ctx: Flask, directory: dict[str, Any], add_service: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only CANDIDATES matches are ranked; the crisis matches are found through the index's
    # marker word, so a crisis line added after many other matches is still first.
    from kiosk.resources import search

    for n in range(6):
        add_service(
            name=f"Counseling Counseling {n}",
            categories="counseling",
            phone=f"+1202555020{n}",
            description="counseling counseling counseling",
        )
    add_service(
        name="Late Crisis Line",
        categories="crisis-line",
        phone="+12025550299",
        crisis="yes",
        description="counseling by phone",
    )
    monkeypatch.setattr(search, "CANDIDATES", 2)
    names = [listing.service.name for listing in services.find("couns")]
    assert set(names[:2]) == {"Zeta Crisis Line", "Late Crisis Line"}
    assert len(names) > 2  # ordinary matches (capped) are still listed after them
