"""Peer introductions in a real browser at tablet size (768x1024): a Spanish-speaking visitor
asks to meet a peer with a new visitor code, the coordinator proposes, the peer accepts from their
own login, the visitor confirms and later ends it; identity appears only after both said yes, and
the stored contact is gone from the database files at the end."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from kiosk import clock
from kiosk.auth import services as auth_services
from kiosk.extensions import db
from kiosk.introductions.models import Introduction
from tests.browser.conftest import assert_accessible, log_in, new_page
from tests.conftest import PASSWORD, TEST_DATABASE_URL, LiveServer
from tests.introductions.helpers import add_peer, enable


def _setup(live_server: LiveServer) -> None:
    with live_server.app.app_context():
        enable()
        auth_services.create_user("coord", "admin", PASSWORD)
        robin = auth_services.create_user("robin", "peer", PASSWORD)
        add_peer("Robin Fit", user_id=robin.id, languages="es", formats="in_person")
        add_peer(
            "Casey Overdue",
            languages="es",
            formats="in_person",
            refresher_due=clock.utcnow().date() - timedelta(days=3),
        )


def _stored(live_server: LiveServer) -> tuple[int, str]:
    with live_server.app.app_context():
        row = db.session.scalars(select(Introduction)).one()
        return row.id, row.contact_token or ""


def _database_bytes(live_server: LiveServer) -> bytes:
    data_dir = Path(live_server.app.config["KIOSK"].data_dir)
    return b"".join(p.read_bytes() for p in sorted(data_dir.glob("porchlight.db*")))


def _tap(page: Any, name: str) -> None:
    page.locator("#flow").get_by_role("button", name=name, exact=True).click()


def test_meet_a_peer_from_request_to_end(browser: Any, live_server: LiveServer) -> None:
    _setup(live_server)
    tablet_context, tablet, tablet_watch = new_page(browser, live_server.url)
    tablet.goto("/")
    tablet.locator(".kiosk-header").get_by_role("button", name="Español").click()
    tablet.wait_for_selector("html[lang=es]")
    tablet.get_by_role("link", name="Conocer a un compañero").click()
    expect(tablet.get_by_text("no es un servicio de crisis")).to_be_visible()
    assert_accessible(tablet)
    _tap(tablet, "Siguiente")
    expect(tablet.get_by_role("heading", name="¿En qué idioma le gustaría hablar?")).to_be_visible()
    assert_accessible(tablet)
    _tap(tablet, "Español")
    expect(
        tablet.get_by_role("heading", name="¿Prefiere un compañero de cierto género?")
    ).to_be_visible()
    _tap(tablet, "Sin preferencia")
    expect(
        tablet.get_by_role("heading", name="¿Prefiere un compañero de cierta edad?")
    ).to_be_visible()
    _tap(tablet, "Sin preferencia")
    expect(tablet.get_by_role("heading", name="¿Cómo le gustaría reunirse?")).to_be_visible()
    _tap(tablet, "En persona")
    expect(
        tablet.get_by_role("heading", name="¿Hay algo que le gustaría compartir con un compañero?")
    ).to_be_visible()
    assert_accessible(tablet)
    _tap(tablet, "Sin preferencia")
    expect(
        tablet.get_by_role("heading", name="¿Cómo podemos comunicarnos con usted?")
    ).to_be_visible()
    assert_accessible(tablet)
    tablet.locator("#flow").get_by_role(
        "button", name="Pregunten por mí en mi próximo grupo"
    ).click()
    expect(
        tablet.get_by_role("heading", name="¿Por qué nombre debe preguntar el compañero?")
    ).to_be_visible()
    tablet.get_by_label("Nombre o apodo").fill("Lucía")
    _tap(tablet, "Siguiente")
    expect(
        tablet.get_by_role("heading", name="Use un código de visitante para ver su solicitud")
    ).to_be_visible()
    assert_accessible(tablet)
    _tap(tablet, "Obtener un código de visitante")
    code = tablet.locator(".code-words").inner_text().strip()
    assert code.count("-") == 2
    assert_accessible(tablet)
    _tap(tablet, "Siguiente")
    expect(tablet.get_by_role("heading", name="Antes de enviar su solicitud")).to_be_visible()
    consent = tablet.get_by_label("Estoy de acuerdo. Por favor, envíen mi solicitud.")
    expect(consent).not_to_be_checked()
    assert_accessible(tablet)
    _tap(tablet, "Enviar mi solicitud")
    expect(tablet.get_by_role("alert")).to_contain_text("Marque la casilla")
    consent.check()
    _tap(tablet, "Enviar mi solicitud")
    expect(tablet.get_by_role("heading", name="Gracias, ya está todo listo")).to_be_visible()
    assert tablet.url == f"{live_server.url}/introductions/"  # no step got a URL of its own
    intro_id, token = _stored(live_server)
    assert token
    if not TEST_DATABASE_URL:
        assert token.encode() in _database_bytes(live_server)  # the scan sees stored values

    coord_context, coord, coord_watch = new_page(browser, live_server.url)
    log_in(coord, "coord", PASSWORD)
    coord.get_by_role("link", name="Introductions 1").click()
    expect(coord.get_by_role("heading", name="Waiting for a match (1)")).to_be_visible()
    assert_accessible(coord)
    coord.get_by_role("link", name=f"Request {intro_id}").first.click()
    expect(coord.get_by_text("Casey Overdue — Safety refresher overdue")).to_be_visible()
    expect(coord.get_by_role("button", name="Propose to Casey Overdue")).to_have_count(0)
    assert_accessible(coord)
    coord.get_by_role("button", name="Propose to Robin Fit").click()
    expect(coord.get_by_text("Proposed. The peer sees the preferences only.")).to_be_visible()

    peer_context, peer, peer_watch = new_page(browser, live_server.url)
    peer.goto("/staff/login")
    peer.get_by_label("Username").fill("robin")
    peer.get_by_label("Password").fill(PASSWORD)
    peer.get_by_role("button", name="Log in").click()
    peer.wait_for_url("**/staff/peer/")
    expect(peer.get_by_role("link", name="My introductions 1 waiting for you")).to_be_visible()
    expect(peer.get_by_text("Español").first).to_be_visible()
    expect(peer.get_by_text("In person")).to_be_visible()
    assert "Lucía" not in peer.content()
    assert_accessible(peer)
    peer.get_by_label("Where to meet (shown to the person once both said yes)").fill(
        "Sala 2, martes"
    )
    peer.get_by_role("button", name="Yes, I can").click()
    expect(peer.get_by_text("Thank you. Your answer is recorded.")).to_be_visible()
    assert "Lucía" not in peer.content()

    # A later visit: the kiosk started over (and forgot the language) after the confirmation.
    tablet.goto("/reset")
    tablet.locator(".kiosk-header").get_by_role("button", name="Español").click()
    tablet.wait_for_selector("html[lang=es]")
    tablet.get_by_role("link", name="Ver mi solicitud").click()
    tablet.locator("#flow").get_by_role("textbox").fill(code)
    _tap(tablet, "Ver")
    expect(tablet.get_by_role("heading", name="Un compañero dijo que sí")).to_be_visible()
    assert "Robin" not in tablet.content()
    assert_accessible(tablet)
    _tap(tablet, "Sí, preséntennos")
    expect(tablet.get_by_role("heading", name="Le presentamos a Robin Fit")).to_be_visible()
    expect(tablet.get_by_text("Sala 2, martes")).to_be_visible()
    assert_accessible(tablet)

    peer.reload()
    expect(peer.get_by_text("Lucía")).to_be_visible()
    _tap(tablet, "Terminar la presentación")
    expect(tablet.get_by_role("heading", name="Esta solicitud terminó")).to_be_visible()
    peer.reload()
    assert "Lucía" not in peer.content()
    with live_server.app.app_context():
        row = db.session.get(Introduction, intro_id)
        assert row is not None and row.state == "ended" and row.contact_token is None
    if not TEST_DATABASE_URL:
        stored = _database_bytes(live_server)
        assert token.encode() not in stored and "Lucía".encode() not in stored
    for context, watch in (
        (tablet_context, tablet_watch),
        (coord_context, coord_watch),
        (peer_context, peer_watch),
    ):
        context.close()
        watch.assert_clean()


def test_every_page_a_peer_can_reach_is_clean(browser: Any, live_server: LiveServer) -> None:
    from tests.role_matrix import html_pages, setup_values

    values = setup_values(live_server.app)
    with live_server.app.app_context():
        user = auth_services.create_user("browser-peer", "peer", PASSWORD)
        add_peer("Browser Peer", user_id=user.id)
    staff_pages = [p for p in html_pages("peer", values) if p.startswith("/staff/")]
    assert "/staff/peer/" in staff_pages
    context, page, watch = new_page(browser, live_server.url)
    page.goto("/staff/login")
    page.get_by_label("Username").fill("browser-peer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/staff/peer/")
    for path in staff_pages:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert_accessible(page)
    context.close()
    watch.assert_clean()
