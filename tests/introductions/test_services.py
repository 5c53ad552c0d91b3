"""The state machine, eligibility, ranking, deadlines, purge and the contact cipher."""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from kiosk import clock
from kiosk.extensions import db
from kiosk.introductions import services
from kiosk.introductions.models import (
    Introduction,
    IntroductionMonthlyCount,
    IntroductionTransition,
    PeerSupporter,
    State,
)
from tests.introductions.helpers import add_peer, add_request, today

DAY = 86400


def _log(intro_id: int) -> list[tuple[str, str, str]]:
    rows = db.session.scalars(
        select(IntroductionTransition)
        .where(IntroductionTransition.introduction_id == intro_id)
        .order_by(IntroductionTransition.id)
    )
    return [(r.from_state, r.to_state, r.actor_role) for r in rows]


def _row(intro_id: int) -> Introduction:
    db.session.expire_all()
    row = db.session.get(Introduction, intro_id)
    assert row is not None
    return row


def _active(peer_id: int) -> int:
    db.session.expire_all()
    peer = db.session.get(PeerSupporter, peer_id)
    assert peer is not None
    return peer.active_count


def test_the_whole_double_opt_in(req: Flask) -> None:
    peer = add_peer()
    intro = add_request("n1", language="es", first_name="Ana", reach="group")
    assert _row(intro).contact_token and "Ana" not in (_row(intro).contact_token or "")
    services.propose(intro, peer, "coord")
    assert _active(peer) == 1
    services.peer_answer(intro, peer, True, "peer", "robin", meeting_note="Room 2")
    services.confirm(intro, "attendee")
    row = _row(intro)
    assert row.state == State.INTRODUCED and row.introduced_at is not None
    assert services.decrypt_contact(row.contact_token) == "Ana"
    services.close(intro, State.ENDED, "attendee")
    row = _row(intro)
    assert row.state == State.ENDED and row.contact_token is None and row.ended_at is not None
    assert _active(peer) == 0
    assert _log(intro) == [
        ("", "requested", "attendee"),
        ("requested", "proposed", "coordinator"),
        ("proposed", "peer_accepted", "peer"),
        ("peer_accepted", "introduced", "attendee"),
        ("introduced", "ended", "attendee"),
    ]


@pytest.mark.parametrize("closing", [State.WITHDRAWN, State.DECLINED])
def test_closing_deletes_the_contact(req: Flask, closing: State) -> None:
    intro = add_request("n1", reach="contact", contact="Ana 555-0100")
    services.close(intro, closing, "coordinator", "coord")
    assert _row(intro).contact_token is None and _row(intro).state == closing


def test_a_peer_decline_returns_the_request_and_passes_that_peer(req: Flask) -> None:
    first, second = add_peer("Robin"), add_peer("Sam")
    intro = add_request("n1")
    services.propose(intro, first, "coord")
    services.peer_answer(intro, first, False, "peer", "robin")
    assert _row(intro).state == State.REQUESTED and _active(first) == 0
    ranked, others = services.rank(_row(intro), services.all_peers(), today())
    assert [c.peer.id for c in ranked] == [second]
    assert others[0].peer.id == first and "Already asked" in others[0].blocked[0]
    with pytest.raises(services.PeerUnavailable):
        services.propose(intro, first, "coord")


def test_a_second_coordinator_is_told_who_acted(req: Flask) -> None:
    robin, sam = add_peer("Robin"), add_peer("Sam")
    intro = add_request("n1")
    version = _row(intro).version
    services.propose(intro, robin, "ana", version)
    with pytest.raises(services.Conflict) as caught:
        services.propose(intro, sam, "ben", version)
    assert caught.value.by == "ana" and caught.value.state == State.PROPOSED
    assert _active(sam) == 0 and _row(intro).peer_id == robin


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"trained_on": None}, "untrained"),
        ({"refresher_due": "past"}, "refresher_overdue"),
        ({"conduct_accepted_on": None}, "no_conduct"),
        ({"paused": True}, "paused"),
        ({"capacity": 1, "fill": True}, "at_capacity"),
    ],
)
def test_ineligible_peers_are_listed_with_the_reason_and_cannot_be_proposed(
    req: Flask, changes: dict[str, object], reason: str
) -> None:
    fill = changes.pop("fill", False)
    if changes.get("refresher_due") == "past":
        changes["refresher_due"] = today() - timedelta(days=1)
    peer = add_peer("Casey", **changes)
    if fill:
        services.propose(add_request("filler"), peer, "coord")
    intro = add_request("n1")
    ranked, others = services.rank(_row(intro), services.all_peers(), today())
    assert ranked == []
    assert others[0].blocked == [str(services.REASONS[reason])]
    with pytest.raises(services.PeerUnavailable):
        services.propose(intro, peer, "coord")
    assert _row(intro).state == State.REQUESTED


def test_the_refresher_defaults_to_a_year_after_training(req: Flask) -> None:
    peer = db.session.get(PeerSupporter, add_peer("Robin"))
    assert peer is not None and peer.trained_on is not None
    assert peer.refresher_due == peer.trained_on + timedelta(days=365)


def test_ranking_a_stated_language_must_match_and_on_duty_comes_first(req: Flask) -> None:
    add_peer("English only", languages="en")
    fit = add_peer("Fit", languages="es", formats="in_person", gender="woman")
    on_duty = add_peer("On duty", languages="es", formats="online", on_duty_on=today())
    intro = add_request("n1", language="es", format="in_person", gender="woman")
    ranked, others = services.rank(_row(intro), services.all_peers(), today())
    assert [c.peer.id for c in ranked] == [on_duty, fit]
    assert "Offers the format asked for" in ranked[1].why
    assert "Gender as asked for" in ranked[1].why
    assert [c.peer.display_name for c in others] == ["English only"]
    assert others[0].blocked == ["Does not speak Español"]


def test_an_unanswered_proposal_lapses_after_3_days(req: Flask) -> None:
    robin, sam = add_peer("Robin"), add_peer("Sam")
    intro = add_request("n1")
    services.propose(intro, robin, "coord")
    clock.advance(2 * DAY + 23 * 3600)
    assert services.apply_deadlines().lapsed == 0
    assert services.proposal_overdue(_row(intro), clock.utcnow()) is False
    clock.advance(2 * 3600)
    assert services.proposal_overdue(_row(intro), clock.utcnow()) is True
    assert services.apply_deadlines().lapsed == 1
    row = _row(intro)
    assert row.state == State.REQUESTED and row.peer_id is None and _active(robin) == 0
    assert _log(intro)[-1] == ("proposed", "requested", "system")
    # The next candidate is suggested; the peer who let it lapse is not.
    ranked, _others = services.rank(row, services.all_peers(), today())
    assert [c.peer.id for c in ranked] == [sam]


def test_an_unmatched_request_expires_after_30_days(req: Flask) -> None:
    intro = add_request("n1", reach="contact", contact="Ana 555-0100")
    clock.advance(29 * DAY)
    assert services.apply_deadlines().expired == 0
    clock.advance(2 * DAY)
    assert services.apply_deadlines().expired == 1
    row = _row(intro)
    assert row.state == State.EXPIRED and row.contact_token is None and row.expired_at
    assert _log(intro) == [("", "requested", "attendee"), ("requested", "expired", "system")]


def test_an_introduction_ends_after_90_days_unless_renewed(req: Flask) -> None:
    peer = add_peer()
    kept, lapsing = add_request("n1"), add_request("n2")
    for intro in (kept, lapsing):
        services.propose(intro, peer, "coord")
        services.peer_answer(intro, peer, True, "peer", "robin")
        services.confirm(intro, "attendee")
    clock.advance(60 * DAY)
    services.renew(kept, "coord")
    clock.advance(31 * DAY)
    assert services.apply_deadlines().ended == 1
    assert _row(lapsing).state == State.ENDED and _row(kept).state == State.INTRODUCED
    assert _active(peer) == 1


def test_old_introductions_are_purged_keeping_counts(req: Flask) -> None:
    intro = add_request("n1")
    services.close(intro, State.WITHDRAWN, "attendee")
    add_request("n2")
    clock.advance(360 * DAY)
    assert services.purge() == 0
    clock.advance(10 * DAY)
    assert services.purge() == 1
    assert db.session.get(Introduction, intro) is None
    assert _log(intro) == []
    counts = db.session.scalars(select(IntroductionMonthlyCount)).all()
    assert [(c.outcome, c.introductions) for c in counts] == [("withdrawn", 1)]


def test_the_purge_command_applies_deadlines_and_purges(app: Flask, runner: FlaskCliRunner) -> None:
    with app.app_context():
        add_request("n1")
    clock.advance(31 * DAY)
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Introductions: 0 proposal(s) lapsed, 1 expired, 0 ended" in result.output
    result = runner.invoke(args=["introductions", "deadlines"])
    assert result.exit_code == 0 and "0 request(s) expired" in result.output


def test_the_contact_key_file_is_private_and_made_once(app: Flask) -> None:
    path = Path(app.config["KIOSK"].data_dir) / services.CONTACT_KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    first = path.read_bytes()
    assert services.load_contact_key(path.parent) == first.strip()
    assert path.read_bytes() == first


def test_a_double_tap_makes_one_request(req: Flask) -> None:
    assert services.create_request(services.RequestAnswers(), "same") is not None
    assert services.create_request(services.RequestAnswers(), "same") is None
    assert len(db.session.scalars(select(Introduction)).all()) == 1


def test_answers_outside_the_lists_are_dropped(req: Flask) -> None:
    intro = add_request(
        "n1", language="xx", gender="<b>", format="telepathy", topics=["Not a topic"]
    )
    row = _row(intro)
    assert (row.pref_language, row.pref_gender, row.pref_format, row.pref_topics) == ("",) * 4


def test_create_user_with_the_peer_role(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["create-user", "robin", "--role", "peer", "--password-stdin"],
        input="a long peer password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created peer account robin." in result.output


def test_demo_data_adds_fictional_peers_one_ineligible_per_reason(
    app: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert "demo peers: 8 added" in result.output
    with app.app_context():
        peers = services.all_peers()
        assert all("(demo)" in p.display_name for p in peers)
        reasons = sorted(r for p in peers for r in services.ineligible_reasons(p, today()))
        assert reasons == sorted(services.REASONS)
    assert "demo peers: 0 added" in runner.invoke(args=["demo-data"]).output


def test_the_badges_count_what_waits_and_nothing_else(app_ctx: Flask) -> None:
    """The coordinator's badge: requests to match, open concerns, and proposals unanswered for
    longer than the days a peer has; a peer's badge: the proposals waiting for that peer."""
    robin, sam = add_peer("Robin"), add_peer("Sam")
    now = clock.utcnow()
    add_request("waiting")
    assert services.waiting_for_coordinator(now) == 1
    fresh, old = add_request("fresh"), add_request("old")
    services.propose(fresh, robin, "coordinator")
    services.propose(old, sam, "coordinator")
    # Both proposed now: neither is overdue, and only the one request still waits.
    assert services.waiting_for_coordinator(now) == 1
    assert services.waiting_for_peer(robin) == services.waiting_for_peer(sam) == 1
    db.session.execute(
        db.update(Introduction)
        .where(Introduction.id == old)
        .values(proposed_at=now - timedelta(days=services.PROPOSAL_DAYS.default + 1))
    )
    db.session.commit()
    assert services.waiting_for_coordinator(now) == 2
    services.raise_concern(fresh)
    assert services.waiting_for_coordinator(now) == 3
    assert services.waiting_for_peer(robin) == 1
