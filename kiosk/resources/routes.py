"""Kiosk lookup (``/resources``) and staff upkeep (``/staff/resources``)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from babel.dates import get_day_names
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from .. import clock
from ..auth.access import admin_required, staff_required
from ..auth.forms import ButtonForm
from ..config import Settings
from ..extensions import csrf
from ..web import page_or_fragment, wants_fragment
from . import fields, interchange, opening, qr, services
from . import hours as hours_mod
from .categories import CATEGORIES, category_icon
from .forms import ImportForm, LookupForm, ServiceForm, category_choices

bp = Blueprint("resources", __name__, url_prefix="/resources")
staff_bp = Blueprint("resources_staff", __name__, url_prefix="/staff/resources")

KIOSK_LANGUAGES = ("en", "es", "zh", "vi", "ar", "fr", "ht", "ko", "ru", "tl")
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _settings() -> Settings:
    settings: Settings = current_app.config["KIOSK"]
    return settings


def _locale() -> str:
    return str(get_locale() or "en")


def _now() -> Any:
    """The center's wall-clock time (naive), for open-now."""
    return clock.local_now(_settings().timezone).replace(tzinfo=None)


def _language_choices() -> list[tuple[str, str]]:
    locale = _locale()
    return [("", _("Any language"))] + [
        (code, services.language_name(code, locale)) for code in KIOSK_LANGUAGES
    ]


def _card_context(service: Any) -> dict[str, Any]:
    """Everything the detail screen and the printed slip show about a service."""
    settings = _settings()
    now = _now()
    weekly, exceptions = services.weekly_of(service), services.exceptions_of(service)
    return {
        "service": service,
        "name": services.public_text(service, "name", _locale()),
        "description": services.public_text(service, "description", _locale()),
        "phone": services.display_phone(service.phone, settings.country),
        "text_phone": services.display_phone(service.text_phone, settings.country),
        "state": hours_mod.open_state(now, weekly, exceptions),
        "today": hours_mod.hours_on(now.date(), weekly, exceptions),
        "weekly": weekly,
        "day_names": [
            _("Monday"),
            _("Tuesday"),
            _("Wednesday"),
            _("Thursday"),
            _("Friday"),
            _("Saturday"),
            _("Sunday"),
        ],
        "spoken_languages": [
            services.language_name(c, _locale()) for c in service.languages.split(",") if c
        ],
        "categories": [services.category_name(c, _locale()) for c in service.categories],
        "codes": [
            kind
            for kind in qr.KINDS
            if kind == "card"
            or (kind == "call" and service.phone)
            or (kind == "text" and service.text_phone)
        ],
    }


# ---- kiosk ---------------------------------------------------------------------------------


@bp.route("")
def index() -> Response:
    """The lookup screen: search box, filters and large category tiles; no results yet."""
    form = LookupForm()
    form.language.choices = _language_choices()
    return page_or_fragment(
        "resources/index.html",
        "resources/_results.html",
        form=form,
        listings=None,
        tiles=_tiles(),
        heading="",
        category="",
    )


@bp.route("/search", methods=["POST"])
def search() -> Response:
    """Results for what was typed and chosen.

    POST, not GET: the search term is attendee input, so it never travels in a URL (where
    proxies, server logs and browser history keep URLs). The term is not logged or stored; the
    response is no-store like every page (kiosk.security), and the idle reset clears the screen.
    """
    form = LookupForm()
    form.language.choices = _language_choices()
    if not form.validate_on_submit():
        abort(400)
    browse = request.form.get("browse")
    category = (browse if browse is not None else form.category.data or "").strip()
    if category and category not in {c.slug for c in CATEGORIES}:
        category = ""
    query = (form.q.data or "").strip()[:100]
    language = form.language.data if form.language.data in KIOSK_LANGUAGES else ""
    listings = None
    if query or category or language or form.free.data or form.open_now.data:
        listings = services.find(
            query,
            category=category,
            language=language or "",
            free=bool(form.free.data),
            open_now=bool(form.open_now.data),
            now=_now(),
            locale=_locale(),
        )
    next_open: list[opening.NextOpening] = []
    if form.open_now.data and listings == []:
        # Nothing open: say which matching places open next, not "try a shorter word".
        next_open = opening.next_to_open(
            query,
            category=category,
            language=language or "",
            free=bool(form.free.data),
            now=_now(),
            locale=_locale(),
        )
    heading = next(
        (services.category_name(c, _locale()) for c in CATEGORIES if c.slug == category), ""
    )
    return page_or_fragment(
        "resources/index.html",
        "resources/_results.html",
        form=form,
        listings=listings,
        tiles=_tiles(),
        heading=heading,
        category=category,
        open_now=bool(form.open_now.data),
        next_open=next_open,
        weekday_names=get_day_names("wide", locale=_locale()),
    )


def _tiles() -> list[tuple[str, str, str]]:
    return [
        (c.slug, services.category_name(c, _locale()), category_icon(c.slug)) for c in CATEGORIES
    ]


@bp.route("/<uuid:service_id>")
def detail(service_id: Any) -> Response:
    """One service: big phone number, hours today, address, languages, cost, take-away codes."""
    try:
        service = services.get_service(str(service_id), active_only=True)
    except services.ResourceNotFound:
        abort(404)
    # An anonymous count for the day; nothing about who looked (PRODUCT.md §3).
    services.count_view(service.id, _now().date())
    service = services.get_service(str(service_id), active_only=True)
    return page_or_fragment(
        "resources/detail.html", "resources/_detail.html", **_card_context(service)
    )


@bp.route("/<uuid:service_id>/slip")
def slip(service_id: Any) -> Response:
    """A printable slip with the details and the QR codes."""
    try:
        service = services.get_service(str(service_id), active_only=True)
    except services.ResourceNotFound:
        abort(404)
    return page_or_fragment("resources/slip.html", "resources/_slip.html", **_card_context(service))


def _hours_summary(service: Any) -> str:
    """The weekly hours in the display language, for the plain-text card."""
    names = get_day_names("abbreviated", locale=_locale())
    weekly = hours_mod.format_weekly(
        services.weekly_of(service), tuple(str(names[day]) for day in range(7))
    )
    return weekly or _("Hours unknown: call first")


@bp.route("/<uuid:service_id>/qr/<kind>.svg")
def qr_code(service_id: Any, kind: str) -> Response:
    """A QR code as SVG: tel:, sms:, or a plain-text card; the data is in the picture."""
    try:
        service = services.get_service(str(service_id), active_only=True)
        address = ", ".join(
            p for p in (service.address, service.city, service.region, service.postal_code) if p
        )
        content = qr.payload(
            kind,
            name=services.public_text(service, "name", _locale()),
            phone=service.phone,
            text_phone=service.text_phone,
            address=address,
            hours=_hours_summary(service),
            labels=(_("Call"), _("Text")),
        )
    except (services.ResourceNotFound, qr.NoSuchCode):
        abort(404)
    response = make_response(qr.svg(content, title=service.name))
    response.mimetype = "image/svg+xml"
    return response


# ---- staff ---------------------------------------------------------------------------------


@staff_bp.route("")
@staff_required
def staff_list() -> str:
    """Every service with its status, last verified date and views in the last 30 days."""
    today = _now().date()
    return render_template(
        "resources/staff_list.html",
        services_list=services.list_services(),
        views=services.views_by_service(today - timedelta(days=30)),
        stale_count=len(services.stale_services(today)),
        button=ButtonForm(),
    )


@staff_bp.route("/stale")
@staff_required
def stale() -> Response:
    """The stale queue: active services not verified within the configured months."""
    return page_or_fragment(
        "resources/stale.html",
        "resources/_stale_list.html",
        stale=services.stale_services(_now().date()),
        button=ButtonForm(),
    )


def _form_errors(form: ServiceForm, errors: dict[str, str]) -> dict[str, str]:
    """Attach service errors to form fields; returns the ones with no field (categories...)."""
    other = {}
    for name, code in errors.items():
        message = str(services.ERROR_MESSAGES.get(code, code))
        target = getattr(form, name, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*list(target.errors or []), message]
        else:
            other[name] = message
    return other


def _edit(service_uuid: str | None) -> BaseResponse | tuple[str, int]:
    """The add / edit page: form -> one service call -> the history page or the form again."""
    try:
        service = services.get_service(service_uuid) if service_uuid else None
    except services.ResourceNotFound:
        abort(404)
    form = ServiceForm()
    if request.method == "GET" and service is not None:
        form.fill_from(service)
    other_errors: dict[str, str] = {}
    if form.validate_on_submit():
        try:
            saved, _changed = services.save_service(
                form.to_input(service, _settings().country, services.category_slugs()),
                current_user.username,
                service.uuid if service else None,
                staff_notes=form["staff_notes"].data or "",
            )
        except services.InvalidResource as exc:
            other_errors = _form_errors(form, exc.errors)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("resources_staff.history", service_id=saved.uuid), 303)
    return render_template(
        "resources/edit.html",
        form=form,
        service=service,
        categories=category_choices(_locale()),
        other_errors=other_errors,
    ), 400 if request.method == "POST" else 200


@staff_bp.route("/new", methods=["GET", "POST"])
@staff_required
def new() -> BaseResponse | tuple[str, int]:
    """Add a service."""
    return _edit(None)


@staff_bp.route("/<uuid:service_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(service_id: Any) -> BaseResponse | tuple[str, int]:
    """Change a service; every changed field goes into the audit trail."""
    return _edit(str(service_id))


@staff_bp.route("/<uuid:service_id>/history")
@staff_required
def history(service_id: Any) -> str:
    """A service's details for staff and its audit trail."""
    try:
        service = services.get_service(str(service_id))
    except services.ResourceNotFound:
        abort(404)
    return render_template(
        "resources/history.html",
        service=service,
        changes=services.history(service.uuid),
        button=ButtonForm(),
    )


def _status_action(service_id: Any, action: str) -> BaseResponse:
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    actions = {
        "verify": lambda u: services.verify(u, current_user.username, _now().date()),
        "closed_today": lambda u: services.close_for_day(u, current_user.username, _now().date()),
        "archive": lambda u: services.archive(u, current_user.username),
        "restore": lambda u: services.restore(u, current_user.username),
    }
    try:
        actions[action](str(service_id))
    except services.ResourceNotFound:
        abort(404)
    if wants_fragment():
        service = services.get_service(str(service_id))
        return page_or_fragment(
            "resources/_status.html", "resources/_status.html", service=service, button=ButtonForm()
        )
    messages = {
        "verify": _("Marked as verified today."),
        "archive": _("Archived."),
        "closed_today": _("Marked closed today. The kiosk shows it as closed."),
        "restore": _("Back on the kiosk."),
    }
    flash(messages[action], "success")
    return redirect(url_for("resources_staff.history", service_id=str(service_id)), 303)


@staff_bp.route("/<uuid:service_id>/verify", methods=["POST"])
@staff_required
def verify(service_id: Any) -> BaseResponse:
    """Mark a service verified today."""
    return _status_action(service_id, "verify")


@staff_bp.route("/<uuid:service_id>/closed-today", methods=["POST"])
@staff_required
def closed_today(service_id: Any) -> BaseResponse:
    """Add a "closed all day" exception for today (the center's date)."""
    return _status_action(service_id, "closed_today")


@staff_bp.route("/<uuid:service_id>/archive", methods=["GET", "POST"])
@staff_required
def archive(service_id: Any) -> BaseResponse | str:
    """Take a service off the kiosk, after a page that names it."""
    if request.method == "GET":
        try:
            service = services.get_service(str(service_id))
        except services.ResourceNotFound:
            abort(404)
        back = url_for("resources_staff.history", service_id=str(service_id))
        return render_template(
            "layouts/confirm.html",
            heading=_("Archive this service?"),
            thing=f"{service.name} · {service.organization.name}",
            consequence=_(
                "The kiosk stops showing it at once. You can put it back later from this page."
            ),
            action=url_for("resources_staff.archive", service_id=str(service_id)),
            confirm_label=_("Yes, archive it"),
            cancel_url=back,
        )
    return _status_action(service_id, "archive")


@staff_bp.route("/<uuid:service_id>/restore", methods=["POST"])
@staff_required
def restore(service_id: Any) -> BaseResponse:
    """Put an archived service back on the kiosk."""
    return _status_action(service_id, "restore")


# ---- import / export -----------------------------------------------------------------------


PREVIEW_SHOWN = 25  # services listed by name or field by field; then "and N more"

IMPORT_ERRORS = {
    "json": _l("The file is not valid JSON."),
    "zip": _l("The file is not a zip package."),
    "package": _l("The zip package has no services.csv."),
    "header": _l("The CSV has no “name” column. Start from the template in docs/RESOURCES.md."),
    "encoding": _l("The file is not UTF-8 text."),
    "errors": _l("The file has errors; nothing was imported."),
    "expired": _l("That preview has expired. Upload the file again."),
}


@staff_bp.route("/import", methods=["GET", "POST"])
@csrf.exempt  # the global check would read the body under the 1 MB cap; ImportForm checks it
@admin_required
def import_file() -> tuple[str, int]:
    """Upload a file and see a preview (new / changed / unchanged, errors); nothing is saved."""
    # The foundation caps requests at 1 MB; directory files may be bigger. This must be set
    # before anything reads the body, hence the CSRF token is checked by the form below.
    request.max_content_length = _settings().max_upload_bytes
    form = ImportForm()
    preview, token, message = None, "", ""
    status = 200
    if request.method == "POST":
        status = 400
        upload = request.files.get("file")
        if not form.validate_on_submit():
            message = IMPORT_ERRORS["expired"]
        elif upload is None or not upload.filename:
            message = _("Choose a file to import.")
        else:
            content = upload.read()
            try:
                preview = interchange.read_file(upload.filename, content, _settings().country)
            except interchange.ImportFailed as exc:
                message = IMPORT_ERRORS.get(str(exc), str(exc))
            else:
                if not preview.errors:
                    status = 200
                    token = interchange.stage(preview, _settings().data_dir)
    return render_template(
        "resources/import.html",
        form=form,
        preview=preview,
        token=token,
        message=message,
        error_messages=services.ERROR_MESSAGES,
        field_label=fields.label,
        shown=PREVIEW_SHOWN,
        button=ButtonForm(),
    ), status


@staff_bp.route("/import/apply", methods=["POST"])
@admin_required
def import_apply() -> BaseResponse | tuple[str, int]:
    """Apply a previewed import: every row in one transaction, or nothing."""
    if not ButtonForm().validate_on_submit():
        return _import_failed("expired")
    try:
        # The rows checked for the preview, not the file read again (interchange.stage).
        preview = interchange.take_staged(request.form.get("token", ""), _settings().data_dir)
        touched = interchange.apply_import(preview, current_user.username)
    except interchange.ImportFailed as exc:
        return _import_failed(str(exc))
    flash(_("Imported: %(count)d services added or changed.", count=touched), "success")
    return redirect(url_for("resources_staff.staff_list"), 303)


def _import_failed(code: str) -> tuple[str, int]:
    return render_template(
        "resources/import.html",
        form=ImportForm(),
        preview=None,
        token="",
        message=IMPORT_ERRORS.get(code, code),
        error_messages=services.ERROR_MESSAGES,
        button=ButtonForm(),
    ), 400


EXPORT_FILES = {
    "csv": ("porchlight-resources.csv", "text/csv"),
    "hsds-json": ("porchlight-hsds.json", "application/json"),
    "hsds-csv": ("porchlight-hsds-package.zip", "application/zip"),
}


@staff_bp.route("/export/<kind>")
@admin_required
def export(kind: str) -> Response:
    """Download the whole directory in one of the interchange formats."""
    if kind not in EXPORT_FILES:
        abort(404)
    filename, mimetype = EXPORT_FILES[kind]
    response = make_response(interchange.export(kind))
    response.mimetype = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
