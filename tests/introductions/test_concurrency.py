"""Under concurrency: one proposal stands per request, and no peer goes over capacity.

Runs on SQLite by default and on PostgreSQL with KIOSK_TEST_DATABASE_URL set.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from kiosk.extensions import db
from kiosk.introductions import services
from kiosk.introductions.models import Introduction, IntroductionTransition, PeerSupporter, State
from tests.introductions.helpers import add_peer, add_request


def _all_at_once(app: Flask, jobs: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int) -> None:
        with app.test_request_context("/"):
            barrier.wait()
            try:
                results[index] = jobs[index]()
            except Exception as exc:  # the test inspects every outcome below
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_sixteen_proposals_to_a_peer_with_capacity_one(app: Flask) -> None:
    with app.app_context():
        peer = add_peer("Robin", capacity=1)
        requests = [add_request(f"n{i}") for i in range(16)]
        db.session.remove()
    results = _all_at_once(
        app,
        [partial(services.propose, intro, peer, f"coord-{intro}") for intro in requests],
    )
    stood = [r for r in results if r is None]
    refused = [r for r in results if isinstance(r, services.PeerUnavailable)]
    assert (len(stood), len(refused)) == (1, 15), results
    with app.app_context():
        assert db.session.get(PeerSupporter, peer).active_count == 1  # type: ignore[union-attr]
        proposed = db.session.scalar(
            select(func.count())
            .select_from(Introduction)
            .where(Introduction.state == State.PROPOSED)
        )
        assert proposed == 1
        logged = db.session.scalar(
            select(func.count())
            .select_from(IntroductionTransition)
            .where(IntroductionTransition.to_state == State.PROPOSED)
        )
        assert logged == 1


def test_two_simultaneous_proposals_of_one_request(app: Flask) -> None:
    with app.app_context():
        robin, sam = add_peer("Robin"), add_peer("Sam")
        intro = add_request("n1")
        version = db.session.get(Introduction, intro).version  # type: ignore[union-attr]
        db.session.remove()
    results = _all_at_once(
        app,
        [
            lambda: services.propose(intro, robin, "ana", version),
            lambda: services.propose(intro, sam, "ben", version),
        ],
    )
    conflicts = [r for r in results if isinstance(r, services.Conflict)]
    assert results.count(None) == 1 and len(conflicts) == 1, results
    winner = "ana" if results[0] is None else "ben"
    assert conflicts[0].by == winner
    with app.app_context():
        peers = {p.id: p.active_count for p in db.session.scalars(select(PeerSupporter))}
        assert sorted(peers.values()) == [0, 1]
        row = db.session.get(Introduction, intro)
        assert row is not None and peers[row.peer_id] == 1  # type: ignore[index]
