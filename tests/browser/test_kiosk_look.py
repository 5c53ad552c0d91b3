"""The kiosk's look and flow at tablet size (issue 13): icons and equal tiles on the start
screen, the group named on every sign-in step, a wrong code that keeps what was typed, a topic
tap that brings the results heading into view with focus, and "open now" with nothing open."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, new_page
from tests.conftest import LiveServer
from tests.sessions.helpers import make_session

TABLET = {"width": 768, "height": 1024}


def _boxes(page: Any, selector: str) -> list[dict[str, float]]:
    return [item.bounding_box() for item in page.locator(selector).all()]


def test_every_start_tile_has_an_icon_and_a_row_has_one_height(
    browser: Any, live_server: LiveServer
) -> None:
    from tests.introductions.helpers import enable

    with live_server.app.app_context():
        enable()  # Meet a peer and Check my request: every kind of tile on screen
        make_session(title="Coffee & Connection", starts_in_minutes=-5)
        make_session(title="Matrix circle, a much longer group name that wraps", minutes=90)
    context, page, watch = new_page(browser, live_server.url, TABLET)
    page.goto("/")
    tiles = page.locator("main .tile")
    assert tiles.count() == 8  # 2 groups, help nearby, how was today, quiet word, plan, 2 peer
    for tile in tiles.all():
        # Decorative: hidden from screen readers, drawn, and in the tile's own colour.
        icon = tile.locator("svg.icon")
        assert icon.count() == 1, tile.inner_text()
        assert icon.get_attribute("aria-hidden") == "true"
        box = icon.bounding_box()
        assert box and box["width"] >= 32 and box["height"] >= 32
    # Tiles side by side in one row have the very same height, whatever their words.
    rows: dict[float, list[float]] = {}
    for box in _boxes(page, "main .tile"):
        rows.setdefault(round(box["y"]), []).append(box["height"])
    side_by_side = [heights for heights in rows.values() if len(heights) > 1]
    assert side_by_side, rows
    for heights in side_by_side:
        assert max(heights) - min(heights) < 1, rows
    # The header's first word lines up with the content column.
    home = page.locator(".kiosk-home").bounding_box()
    heading = page.get_by_role("heading", name="Welcome").bounding_box()
    assert home and heading and abs(home["x"] - heading["x"]) < 2
    assert_accessible(page)
    context.close()
    watch.assert_clean()


def test_header_follows_the_content_column_when_wide(browser: Any, live_server: LiveServer) -> None:
    context, page, watch = new_page(browser, live_server.url, {"width": 1600, "height": 900})
    page.goto("/")
    home = page.locator(".kiosk-home").bounding_box()
    heading = page.get_by_role("heading", name="Welcome").bounding_box()
    assert home and heading and abs(home["x"] - heading["x"]) < 2
    context.close()
    watch.assert_clean()


def test_sign_in_steps_name_the_group_and_skip_is_secondary(
    browser: Any, live_server: LiveServer
) -> None:
    with live_server.app.app_context():
        make_session(title="Coffee & Connection", starts_in_minutes=-5)
    context, page, watch = new_page(browser, live_server.url, TABLET)
    page.goto("/")
    page.get_by_role("button", name="Coffee & Connection").click()
    page.get_by_role("heading", name="What should the facilitator call you?").wait_for()
    expect(page.get_by_text("Signing in to: Coffee & Connection · Room 2")).to_be_visible()
    next_button = page.get_by_role("button", name="Next", exact=True)
    skip = page.get_by_role("button", name="Skip", exact=True)
    # Skip looks different from Next (not the filled primary style) and is still a big target.
    assert "button-primary" in (next_button.get_attribute("class") or "")
    assert "button-primary" not in (skip.get_attribute("class") or "")
    assert next_button.evaluate("b => getComputedStyle(b).backgroundColor") != skip.evaluate(
        "b => getComputedStyle(b).backgroundColor"
    )
    box = skip.bounding_box()
    assert box and box["height"] >= 48 and box["width"] >= 48
    skip.click()
    page.get_by_role("heading", name="Is this your first time here?").wait_for()
    expect(page.get_by_text("Signing in to: Coffee & Connection · Room 2")).to_be_visible()
    # The visitor code is its own choice, under its own heading, apart from the question.
    expect(page.get_by_role("heading", name="Or use a visitor code")).to_be_visible()
    page.get_by_role("button", name="I have a visitor code").click()
    page.get_by_role("heading", name="Type your visitor code").wait_for()
    expect(page.get_by_text("Signing in to: Coffee & Connection · Room 2")).to_be_visible()
    box_input = page.get_by_label("Your visitor code")
    box_input.fill("acorn bench tulipp")
    page.get_by_role("button", name="Use this code").click()
    expect(page.get_by_text("We don't know that code")).to_be_visible()
    # A wrong code keeps what was typed, so one word can be fixed.
    expect(page.get_by_label("Your visitor code")).to_have_value("acorn bench tulipp")
    assert_accessible(page)
    page.get_by_role("button", name="Continue without a code").click()
    # The confirmation panel names the room.
    page.get_by_role("heading", name="Thank you — you're all set").wait_for()
    panel = page.locator(".confirmation-panel")
    expect(panel).to_contain_text("Where groups meet now:")
    expect(panel).to_contain_text("Room 2")
    expect(panel).not_to_contain_text("Coffee")
    context.close()
    watch.assert_clean()


def _fill(live_server: LiveServer) -> None:
    from kiosk.db import write_transaction
    from kiosk.resources import services
    from kiosk.resources.demo import demo_rows

    with live_server.app.app_context(), write_transaction() as session:
        for row in demo_rows("US"):
            services.apply_input(session, row, "browser-test")


def test_a_topic_tap_brings_the_results_heading_into_view_with_focus(
    browser: Any, live_server: LiveServer
) -> None:
    _fill(live_server)
    context, page, watch = new_page(browser, live_server.url, TABLET)
    page.goto("/resources")
    tile = page.get_by_role("button", name="Food pantry")
    expect(tile).to_have_attribute("aria-pressed", "false")
    tile.scroll_into_view_if_needed()  # the topics are below the results, as on the tablet
    tile.click()
    heading = page.get_by_role("heading", name="Food pantry")
    expect(heading).to_be_focused()
    expect(heading).to_be_in_viewport()
    expect(tile).to_have_attribute("aria-pressed", "true")
    # A filter tap does the same.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.get_by_label("Free").check()
    expect(heading).to_be_focused()
    expect(heading).to_be_in_viewport()
    page.get_by_role("button", name="Show all topics").click()
    expect(tile).to_have_attribute("aria-pressed", "false")
    assert_accessible(page)
    context.close()
    watch.assert_clean()


def test_typing_does_not_move_focus(browser: Any, live_server: LiveServer) -> None:
    _fill(live_server)
    context, page, watch = new_page(browser, live_server.url, TABLET)
    page.goto("/resources")
    box = page.get_by_label("What do you need?")
    box.press_sequentially("food", delay=40)
    page.locator("#results .result-name").first.wait_for()
    expect(box).to_be_focused()
    context.close()
    watch.assert_clean()


def _move_clock_to(hour: int, weekday: int) -> datetime:
    """Move the app clock to the next ``weekday`` at ``hour``:00, center time; return it."""
    from kiosk import clock

    now = clock.local_now("America/New_York").replace(tzinfo=None)
    target = (now + timedelta(days=(weekday - now.weekday()) % 7 or 7)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    clock.advance((target - now).total_seconds())
    return target


def test_open_now_with_nothing_open_says_what_opens_next(
    browser: Any, live_server: LiveServer
) -> None:
    from tests.resources.conftest import make_service

    with live_server.app.app_context():
        make_service(
            name="Tuesday Pantry",
            categories="food-pantry",
            phone="+12025550111",
            hours="Tue 14:00-16:00",
        )
        make_service(
            name="Wednesday Pantry",
            categories="food-pantry",
            phone="+12025550112",
            hours="Wed 09:00-12:00",
        )
        make_service(name="Unknown Hours Pantry", categories="food-pantry", phone="+12025550113")
    _move_clock_to(20, 0)  # a Monday, 8 pm
    context, page, watch = new_page(browser, live_server.url, TABLET)
    page.goto("/resources")
    page.get_by_role("button", name="Food pantry").click()
    page.locator("#results .result-name").first.wait_for()
    page.get_by_label("Open now").check()
    panel = page.locator(".next-open")
    expect(panel).to_be_visible()
    text = panel.inner_text().replace("\u202f", " ")
    assert "Nothing is open right now." in text
    assert "Next to open:" in text
    assert "Try a shorter word" not in page.locator("#results").inner_text()
    items = [line.replace("\u202f", " ") for line in panel.locator("li").all_inner_texts()]
    assert items == [
        "Tuesday Pantry\nOpens tomorrow at 2:00 PM",
        "Wednesday Pantry\nOpens Wednesday at 9:00 AM",
    ]
    assert_accessible(page)

    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Despensa de alimentos").click()
    page.locator("#results .result-name").first.wait_for()
    page.get_by_label("Abierto ahora").check()
    panel = page.locator(".next-open")
    expect(panel).to_be_visible()
    items = [line.replace("\u202f", " ") for line in panel.locator("li").all_inner_texts()]
    assert items == [
        "Tuesday Pantry\nAbre mañana a las 2:00 p.m.",
        "Wednesday Pantry\nAbre el miércoles a las 9:00 a.m.",
    ]
    context.close()
    watch.assert_clean()
