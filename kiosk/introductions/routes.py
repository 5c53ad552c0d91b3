"""Routes: "Meet a peer" and "Check my request" at the kiosk, the coordinator's queue and the
roster, and a peer supporter's own page.

The kiosk flows are one form each whose fragment htmx swaps in place (``#flow``), as at sign-in:
no URL changes, so Back in the browser cannot walk through an earlier person's answers.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from cryptography.fernet import Fernet
from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import clock
from ..auth.access import _unauthorized, admin_required, peer_required
from ..auth.models import Role
from ..signin import services as codes
from ..signin.routes import code_guesser, remember_guesser
from ..start.confirmation import signed_in_screen
from ..web import is_staff_path, page_or_fragment, redirect_page
from . import services
from .cli import init_cli
from .forms import ActForm, CheckForm, MeetForm, PeerForm
from .models import State

bp = Blueprint("introductions", __name__, url_prefix="/introductions")
staff_bp = Blueprint("introductions_staff", __name__, url_prefix="/staff/introductions")
peer_bp = Blueprint("peer", __name__, url_prefix="/staff/peer")

STATE_LABELS = {
    State.REQUESTED: _l("Waiting for a match"),
    State.PROPOSED: _l("Proposed to a peer"),
    State.PEER_ACCEPTED: _l("The peer said yes; waiting for the person"),
    State.INTRODUCED: _l("Introduced"),
    State.ENDED: _l("Ended"),
    State.DECLINED: _l("Closed without a match"),
    State.WITHDRAWN: _l("Withdrawn"),
    State.EXPIRED: _l("Expired"),
}
PREF_STEPS = ("language", "gender", "age", "format", "topics")
PREF_FIELD = {"language": "language", "gender": "gender", "age": "age_band", "format": "format"}


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _require_enabled() -> None:
    if not services.enabled():
        abort(404)


# ---- the kiosk: Meet a peer -------------------------------------------------------------


def _steps(form: MeetForm) -> list[str]:
    reach_step = "contact" if form.reach.data == "contact" else "name"
    return ["about", *PREF_STEPS, "reach", reach_step, "code", "consent"]


def _main(step: str) -> str:
    return "code" if step in ("codeentry", "newcode") else step


def _render_meet(form: MeetForm, step: str, status: int = 200, **extra: Any) -> Response:
    form.step.data = step
    steps = _steps(form)
    return page_or_fragment(
        "introductions/meet.html",
        "introductions/_meet.html",
        status,
        form=form,
        step=step,
        number=steps.index(_main(step)) + 1 if _main(step) in steps else 1,
        count=len(steps),
        choices=_choices(step),
        chosen_topics=set(filter(None, (form.topics.data or "").split("|"))),
        **extra,
    )


def _choices(step: str) -> list[tuple[str, str]]:
    options: dict[str, list[tuple[str, Any]]] = {
        "language": services.LANGUAGE_CHOICES,
        "gender": services.GENDER_CHOICES,
        "age": services.AGE_BANDS,
        "format": services.FORMAT_CHOICES,
        "topics": [(t, t) for t in services.topic_list()],
    }
    return [(value, str(label)) for value, label in options.get(step, [])]


def _next(form: MeetForm, step: str) -> str:
    steps = _steps(form)
    return steps[min(steps.index(_main(step)) + 1, len(steps) - 1)]


def _previous(form: MeetForm, step: str) -> str | None:
    if step in ("codeentry", "newcode"):
        return "code"
    steps = _steps(form)
    index = steps.index(step) if step in steps else 0
    return steps[index - 1] if index > 0 else None


@bp.route("/", methods=["GET"])
def meet() -> Response:
    """The first screen of "Meet a peer": what it is, and what it is not."""
    _require_enabled()
    form = MeetForm(formdata=None)
    form.token.data = codes.issue_form_token(_secret(), "meet-a-peer")
    return _render_meet(form, "about")


@bp.route("/step", methods=["POST"])
def meet_step() -> Response:  # noqa: PLR0911, PLR0912  (one branch per button, read top to bottom)
    """Show the next screen of "Meet a peer"; the consent screen sends the request."""
    _require_enabled()
    form = MeetForm()
    if not form.validate():
        # Only a field over its length can fail here: say so, keep nothing.
        step = form.step.data if form.step.data in ("name", "contact") else "about"
        return _render_meet(form, step, too_long=True)
    go = form.go.data or ""
    current = form.step.data or "about"
    if go == "back":
        previous = _previous(form, current)
        return _render_meet(form, previous) if previous else redirect_page(url_for("start.reset"))
    if current in PREF_FIELD and (go.startswith("pick:") or go == "skip"):
        value = go.removeprefix("pick:") if go != "skip" else ""
        allowed = {v for v, _label in _choices(current)}
        getattr(form, PREF_FIELD[current]).data = value if value in allowed else ""
        return _render_meet(form, _next(form, current))
    if current == "topics" and go in ("next", "skip"):
        allowed = set(services.topic_list())
        picked = [t for t in request.form.getlist("topic") if t in allowed] if go == "next" else []
        form.topics.data = "|".join(picked)
        return _render_meet(form, _next(form, current))
    if current == "reach" and (go.startswith("pick:") or go == "skip"):
        form.reach.data = "contact" if go == "pick:contact" else "group"
        if form.reach.data == "group":
            form.contact.data = ""
        else:
            form.first_name.data = ""
        return _render_meet(form, _next(form, current))
    if current in ("name", "contact") and go in ("next", "skip"):
        if go == "skip":
            form.first_name.data = form.contact.data = ""
            form.reach.data = "group"
        return _render_meet(form, "code")
    if current == "code" and go == "have":
        return _render_meet(form, "codeentry")
    if current == "code" and go == "new":
        code, digest = codes.create_code(codes.code_key(_secret()))
        form.code_ref.data = codes.sign_code_ref(_secret(), digest)
        # Shown once, here; never stored in words and never sent again.
        return _render_meet(form, "newcode", new_code=code)
    if current == "codeentry" and go == "check":
        return _meet_code(form)
    if current in ("code", "codeentry", "newcode") and go in ("next", "skip"):
        return _render_meet(form, "consent")
    if current == "consent" and go == "send":
        return _send(form)
    if current == "about" and go == "next":
        return _render_meet(form, _next(form, "about"))
    return _render_meet(form, current if current in _steps(form) else "about")


def _meet_code(form: MeetForm) -> Response:
    typed = form.code.data or ""
    form.code.data = ""  # never echo the typed code back into the page
    key, fresh = code_guesser()
    try:
        digest = codes.check_code(typed, codes.code_key(_secret()), key)
    except codes.TooManyTries:
        return _render_meet(form, "codeentry", code_error=_paused_message())
    if digest is None:
        response = _render_meet(form, "codeentry", code_error=_unknown_code_message())
        return remember_guesser(response, fresh)
    form.code_ref.data = codes.sign_code_ref(_secret(), digest)
    return _render_meet(form, "consent")


def _paused_message() -> str:
    return _("Code entry is paused on this tablet for a few minutes. Please try again later.")


def _unknown_code_message() -> str:
    return _("We don't know that code. Check the words, or continue without it.")


def _send(form: MeetForm) -> Response:
    if not form.consent.data:
        return _render_meet(form, "consent", consent_error=True)
    try:
        nonce = codes.read_form_token(_secret(), form.token.data or "", "meet-a-peer")
    except codes.BadFormToken:
        flash(_("Sorry, that took a while. Let's start again."), "info")
        return redirect_page(url_for("start.index"))
    answers = services.RequestAnswers(
        language=form.language.data or "",
        gender=form.gender.data or "",
        age_band=form.age_band.data or "",
        format=form.format.data or "",
        topics=[t for t in (form.topics.data or "").split("|") if t],
        reach=form.reach.data or "group",
        first_name=form.first_name.data or "",
        contact=form.contact.data or "",
        code_hash=codes.read_code_ref(_secret(), form.code_ref.data or ""),
    )
    # A double tap sends the same nonce: the first one counted, the same screen follows.
    services.create_request(answers, nonce)
    # The same neutral screen a sign-in ends on: nobody nearby can tell what was done here.
    return signed_in_screen()


# ---- the kiosk: Check my request ----------------------------------------------------------


def _render_check(form: CheckForm, intro: Any = None, **extra: Any) -> Response:
    peer_name = ""
    if intro is not None and intro.state == State.INTRODUCED and intro.peer_id is not None:
        # Identity only after both yes: the attendee sees the peer's display name now.
        peer_name = services.get_peer(intro.peer_id).display_name
    return page_or_fragment(
        "introductions/check.html",
        "introductions/_check.html",
        form=form,
        intro=intro,
        peer_name=peer_name,
        **extra,
    )


@bp.route("/check", methods=["GET", "POST"])
def check() -> Response:  # noqa: PLR0911  (one return per outcome, read top to bottom)
    """Check a request with the visitor code: where it stands, and what the person can do."""
    _require_enabled()
    if request.method == "GET":
        return _render_check(CheckForm(formdata=None))
    form = CheckForm()
    if not form.validate():
        return _render_check(CheckForm(formdata=None), message=_unknown_code_message())
    go = form.go.data or ""
    if go == "check":
        typed = form.code.data or ""
        form.code.data = ""
        key, fresh = code_guesser()
        try:
            digest = codes.check_code(typed, codes.code_key(_secret()), key)
        except codes.TooManyTries:
            return _render_check(form, message=_paused_message())
        intro = services.for_code(digest) if digest else None
        if intro is None:
            # Uniform on purpose: a wrong code and a right code with no request read the same
            # (the limiter cookie too is set for both), so trying codes tells nobody which exist.
            return remember_guesser(_render_check(form, message=_nothing_message()), fresh)
        form.code_ref.data = codes.sign_code_ref(_secret(), digest or "")
        return remember_guesser(_render_check(form, intro), fresh)
    digest = codes.read_code_ref(_secret(), form.code_ref.data or "")
    intro = services.for_code(digest) if digest else None
    if intro is None:
        return _render_check(CheckForm(formdata=None), message=_nothing_message())
    done = _attendee_act(intro.id, go)
    return _render_check(form, services.get_introduction(intro.id), done=done)


def _nothing_message() -> str:
    return _("There is no request to show for that code. Check the words and try again.")


def _attendee_act(intro_id: int, go: str) -> str:  # noqa: PLR0911
    try:
        if go == "confirm":
            services.confirm(intro_id, "attendee")
            return _("Thank you. You are introduced.")
        if go == "withdraw":
            services.close(intro_id, State.WITHDRAWN, "attendee")
            return _("Your request is withdrawn. What you gave us is deleted.")
        if go == "different":
            services.different_peer(intro_id, "attendee")
            return _("We will look for a different peer.")
        if go == "end":
            services.close(intro_id, State.ENDED, "attendee")
            return _("The introduction has ended. What you gave us is deleted.")
        if go == "concern":
            services.raise_concern(intro_id)
            return _("Thank you. A coordinator will look at it. The peer is not told who.")
    except services.IntroductionError:
        return _("That has changed in the meantime. Here is where it stands now.")
    return ""


# ---- staff: the coordinator ---------------------------------------------------------------


def coordinator_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Admins; facilitators too when Settings allow."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return _unauthorized()
        if current_user.role == Role.ADMIN or (
            current_user.role == Role.FACILITATOR and services.facilitators_coordinate()
        ):
            return view(*args, **kwargs)
        abort(403)

    return wrapper


def _admin_only(view: Callable[..., Any]) -> Callable[..., Any]:
    return admin_required(view)


@staff_bp.route("/")
@coordinator_required
def queue() -> str | Response:
    """Open requests oldest first with their age, the best candidates, and what is in progress."""
    now = clock.utcnow()
    today = now.date()
    data = services.queue()
    peers = services.all_peers()
    facts = services.peer_facts(peers, today)
    # Only the first few requests get candidates here; each request's page has them all.
    best = {intro.id: services.rank(intro, facts, today)[0][:3] for intro in data.requested[:20]}
    return page_or_fragment(
        "introductions/queue.html",
        "introductions/queue.html",
        data=data,
        best=best,
        now=now,
        overdue={i.id for i in data.proposed if services.proposal_overdue(i, now)},
        peers_by_id={p.id: p for p in peers},
        form=ActForm(formdata=None),
        state_labels=STATE_LABELS,
    )


@staff_bp.route("/<int:intro_id>")
@coordinator_required
def detail(intro_id: int) -> str | Response:
    """One request: its preferences, ranked candidates with why, and the actions its state has."""
    try:
        intro = services.get_introduction(intro_id)
    except services.NotFound:
        abort(404)
    now = clock.utcnow()
    peers = services.all_peers()
    ranked, others = services.rank(intro, peers, now.date())
    revealed = intro.state == State.INTRODUCED
    return page_or_fragment(
        "introductions/detail.html",
        "introductions/detail.html",
        intro=intro,
        ranked=ranked,
        others=others,
        now=now,
        overdue=services.proposal_overdue(intro, now),
        peer=services.get_peer(intro.peer_id) if intro.peer_id else None,
        # Identity only after both yes: the coordinator too sees the contact only then.
        contact=services.decrypt_contact(intro.contact_token) if revealed else "",
        form=ActForm(formdata=None),
        state_labels=STATE_LABELS,
    )


@staff_bp.route("/<int:intro_id>/act", methods=["POST"])
@coordinator_required
def act(intro_id: int) -> Response:
    """Propose, record a peer's or the person's answer, renew, end, decline, read a concern."""
    form = ActForm()
    if not form.validate():
        abort(400)
    go = form.go.data or ""
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    who = current_user.username
    try:
        intro = services.get_introduction(intro_id)
        if go == "propose":
            peer_id = int(form.peer_id.data) if (form.peer_id.data or "").isdigit() else 0
            services.propose(intro_id, peer_id, who, version)
            flash(_("Proposed. The peer sees the preferences only."), "success")
        elif go in ("peer_yes", "peer_no") and intro.peer_id is not None:
            services.peer_answer(
                intro_id,
                intro.peer_id,
                go == "peer_yes",
                "coordinator",
                who,
                meeting_note=form.meeting_note.data or "",
            )
            flash(_("The peer's answer is recorded."), "success")
        elif go == "person_yes":
            services.confirm(intro_id, "coordinator", who)
            flash(_("Both said yes: the introduction is made."), "success")
        elif go == "different":
            services.different_peer(intro_id, "coordinator", who)
            flash(_("Back in the queue; that peer will not be suggested again."), "success")
        elif go == "renew":
            services.renew(intro_id, who)
            flash(_("Renewed."), "success")
        elif go in ("end", "decline", "withdraw"):
            new = {"end": State.ENDED, "decline": State.DECLINED, "withdraw": State.WITHDRAWN}[go]
            services.close(intro_id, new, "coordinator", who)
            flash(_("Closed. The contact is deleted."), "success")
        elif go == "concern_seen":
            services.concern_seen(intro_id)
            flash(_("Concern marked as taken up."), "success")
        else:
            abort(400)
    except services.NotFound:
        abort(404)
    except services.Conflict as exc:
        flash(
            _(
                "Someone else acted first (%(who)s). It is now: %(state)s.",
                who=exc.by or _("another coordinator"),
                state=STATE_LABELS.get(State(exc.state), exc.state),
            ),
            "error",
        )
    except services.PeerUnavailable:
        flash(_("That peer cannot be proposed now. Choose another."), "error")
    return redirect(url_for("introductions_staff.detail", intro_id=intro_id), 303)


@staff_bp.route("/deadlines", methods=["POST"])
@coordinator_required
def deadlines() -> Response:
    """Apply the answer, matching and introduction deadlines now (the purge job does it daily)."""
    if not ActForm().validate():
        abort(400)
    result = services.apply_deadlines()
    flash(
        _(
            "Deadlines applied: %(lapsed)s proposal(s) back in the queue, %(expired)s expired, "
            "%(ended)s ended.",
            lapsed=result.lapsed,
            expired=result.expired,
            ended=result.ended,
        ),
        "success",
    )
    return redirect(url_for("introductions_staff.queue"), 303)


# ---- staff: the roster (admins) -------------------------------------------------------------


@staff_bp.route("/peers")
@_admin_only
def roster() -> str | Response:
    """Every peer supporter, with why any of them cannot be proposed."""
    today = clock.utcnow().date()
    weeks = int(services.get(services.SUPERVISION_WEEKS.key))
    rows = [
        (
            peer,
            [str(services.REASONS[r]) for r in services.ineligible_reasons(peer, today)],
            services.supervision_due(peer, today, weeks),
        )
        for peer in services.all_peers()
    ]
    return page_or_fragment(
        "introductions/roster.html", "introductions/roster.html", rows=rows, today=today
    )


def _peer_values(form: PeerForm) -> dict[str, Any]:
    today = clock.utcnow().date()
    return {
        "display_name": form.display_name.data or "",
        "user_id": form.user_id.data or None,
        "languages": ",".join(form.languages.data or []),
        "formats": ",".join(form.formats.data or []),
        "age_band": form.age_band.data or "",
        "gender": form.gender.data or "",
        "community": form.community.data or "",
        "topics": "\n".join(form.topics.data or []),
        "capacity": form.capacity.data or 3,
        "trained_on": form.trained_on.data,
        "refresher_due": form.refresher_due.data,
        "conduct_accepted_on": form.conduct_accepted_on.data,
        "last_supervision_on": form.last_supervision_on.data,
        "paused": bool(form.paused.data),
        "on_duty_on": today if form.on_duty.data else None,
    }


def _peer_page(form: PeerForm, peer: Any, status: int = 200) -> Response:
    return page_or_fragment(
        "introductions/peer_form.html", "introductions/peer_form.html", status, form=form, peer=peer
    )


@staff_bp.route("/peers/new", methods=["GET", "POST"])
@_admin_only
def peer_new() -> Response:
    """Add a peer supporter to the roster."""
    form = PeerForm()
    if request.method == "POST":
        return _save_peer(form, None)
    return _peer_page(form, None)


@staff_bp.route("/peers/<int:peer_id>", methods=["GET", "POST"])
@_admin_only
def peer_edit(peer_id: int) -> Response:
    """Change a roster entry."""
    try:
        peer = services.get_peer(peer_id)
    except services.NotFound:
        abort(404)
    if request.method == "POST":
        return _save_peer(PeerForm(), peer)
    form = PeerForm(obj=peer)
    form.languages.data = [v for v in peer.languages.split(",") if v]
    form.formats.data = [v for v in peer.formats.split(",") if v]
    form.topics.data = [v for v in peer.topics.split("\n") if v]
    form.user_id.data = peer.user_id or 0
    form.on_duty.data = peer.on_duty_on == clock.utcnow().date()
    return _peer_page(form, peer)


def _save_peer(form: PeerForm, peer: Any) -> Response:
    if form.validate_on_submit():
        try:
            services.save_peer(_peer_values(form), peer.id if peer else None)
        except services.InvalidPeer as exc:
            messages = {
                "display_name": _("Give a display name or alias."),
                "capacity": _("This peer has more introductions now than that capacity."),
                "user_id": _("That login is linked to another peer already."),
            }
            getattr(form, str(exc)).errors = [messages[str(exc)]]
        else:
            flash(_("Roster saved."), "success")
            return redirect(url_for("introductions_staff.roster"), 303)
    return _peer_page(form, peer, 400)


# ---- staff: a peer supporter's own page -------------------------------------------------


@peer_bp.route("/")
@peer_required
def home() -> str | Response:
    """A peer's own proposals (preferences only) and introductions (names after both yes)."""
    peer = services.peer_for_user(current_user.id)
    proposals, introduced = services.peer_view(peer) if peer else ([], [])
    contacts = {
        # Identity only after both yes: decrypted for introduced rows, never before.
        intro.id: services.decrypt_contact(intro.contact_token)
        for intro in introduced
    }
    return page_or_fragment(
        "introductions/peer_home.html",
        "introductions/peer_home.html",
        peer=peer,
        proposals=proposals,
        introduced=introduced,
        contacts=contacts,
        form=ActForm(formdata=None),
        state_labels=STATE_LABELS,
    )


@peer_bp.route("/<int:intro_id>", methods=["POST"])
@peer_required
def answer(intro_id: int) -> Response:
    """A peer says yes or no to a proposal, or ends one of their introductions."""
    form = ActForm()
    peer = services.peer_for_user(current_user.id)
    if not form.validate() or peer is None:
        abort(400)
    go = form.go.data or ""
    try:
        if go in ("accept", "decline"):
            services.peer_answer(
                intro_id,
                peer.id,
                go == "accept",
                "peer",
                current_user.username,
                meeting_note=form.meeting_note.data or "",
            )
            flash(_("Thank you. Your answer is recorded."), "success")
        elif go == "end":
            services.end_as_peer(intro_id, peer.id, current_user.username)
            flash(_("The introduction has ended."), "success")
        else:
            abort(400)
    except services.IntroductionError:
        # Not theirs, or no longer waiting: the same answer either way, nothing revealed.
        flash(_("That is no longer waiting for you."), "error")
    return redirect(url_for("peer.home"), 303)


# ---- shared: the badge, the kiosk tiles -----------------------------------------------------


@bp.app_context_processor
def _introductions_globals() -> dict[str, Any]:
    return {
        "introductions_badge": _badge,
        "introductions_enabled": services.enabled,
        "language_names": dict(services.LANGUAGE_CHOICES),
        "format_names": dict(services.FORMAT_CHOICES),
        "gender_names": dict(services.GENDER_CHOICES),
    }


def _badge() -> int:
    """What waits for this person: proposals for a peer; requests and concerns for coordinators."""
    if not is_staff_path(request.path) or not current_user.is_authenticated:
        return 0
    if current_user.role == Role.PEER:
        peer = services.peer_for_user(current_user.id)
        return services.waiting_for_peer(peer.id) if peer else 0
    if current_user.role == Role.ADMIN or services.facilitators_coordinate():
        return services.waiting_for_coordinator(clock.utcnow())
    return 0


def init_app(app: Any) -> None:
    """The contact cipher, the blueprints and the command."""
    key = services.load_contact_key(app.config["KIOSK"].data_dir)
    app.extensions[services.CIPHER_KEY] = Fernet(key)
    for blueprint in (bp, staff_bp, peer_bp):
        app.register_blueprint(blueprint)
    init_cli(app)
