"""The directory's categories: a short list of Open Eligibility terms plus local ones.

Category names are data, not gettext strings, so each carries its Spanish name here. The Open
Eligibility names and codes come from ../shared/data/hsds/taxonomy (CC BY-SA 3.0; see
kiosk/resources/data/SOURCE.md).
"""

from __future__ import annotations

import uuid
from typing import NamedTuple

OPEN_ELIGIBILITY = "Open Eligibility"
LOCAL = "local"
# A fixed namespace: ids of categories, phones, schedules... are derived from stable names, so
# exporting twice (or on another machine after an import) gives the same ids.
NAMESPACE = uuid.UUID("6f1c8a52-3d2b-4d8e-9a63-1f2f3c4b5a69")


def stable_id(*parts: str) -> str:
    """A UUID derived from its parts (the same every time)."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def category_uuid(slug: str) -> str:
    """The HSDS taxonomy_term id of a shipped category."""
    return stable_id("category", slug)


class CategoryEntry(NamedTuple):
    """One category as shipped: slug, taxonomy code, English and Spanish names."""

    slug: str
    code: str
    name: str
    name_es: str
    taxonomy: str
    keywords: str = ""


CATEGORIES: tuple[CategoryEntry, ...] = (
    CategoryEntry(
        "crisis-line",
        "local-crisis-line",
        "Crisis line",
        "Línea de crisis",
        LOCAL,
        "hotline suicide emergency",
    ),
    CategoryEntry(
        "peer-support-group",
        "local-peer-support-group",
        "Peer support group",
        "Grupo de apoyo entre pares",
        LOCAL,
        "peer support group",
    ),
    CategoryEntry(
        "counseling",
        "108-07-01",
        "Counseling",
        "Consejería",
        OPEN_ELIGIBILITY,
        "counseling therapy therapist",
    ),
    CategoryEntry(
        "psychiatric-emergency",
        "101-07",
        "Psychiatric Emergency Services",
        "Servicios de emergencia psiquiátrica",
        OPEN_ELIGIBILITY,
        "urgent mental health",
    ),
    CategoryEntry(
        "food-pantry",
        "102-04",
        "Food Pantry",
        "Despensa de alimentos",
        OPEN_ELIGIBILITY,
        "food pantry groceries",
    ),
    CategoryEntry("free-meals", "102-05", "Free Meals", "Comidas gratuitas", OPEN_ELIGIBILITY),
    CategoryEntry(
        "emergency-shelter",
        "101-04",
        "Emergency Shelter",
        "Albergue de emergencia",
        OPEN_ELIGIBILITY,
        "shelter",
    ),
    CategoryEntry(
        "help-find-housing",
        "103-02",
        "Help Find Housing",
        "Ayuda para encontrar vivienda",
        OPEN_ELIGIBILITY,
        "housing",
    ),
    CategoryEntry(
        "addiction-recovery",
        "106-01",
        "Addiction & Recovery",
        "Adicción y recuperación",
        OPEN_ELIGIBILITY,
        "drugs alcohol",
    ),
    CategoryEntry(
        "medical-care", "106-06", "Medical Care", "Atención médica", OPEN_ELIGIBILITY, "clinic"
    ),
    CategoryEntry("dental-care", "106-02", "Dental Care", "Atención dental", OPEN_ELIGIBILITY),
    CategoryEntry("clothing", "104-02", "Clothing", "Ropa", OPEN_ELIGIBILITY),
    CategoryEntry("transportation", "105-02", "Transportation", "Transporte", OPEN_ELIGIBILITY),
    CategoryEntry(
        "government-benefits",
        "107-03",
        "Government Benefits",
        "Beneficios del gobierno",
        OPEN_ELIGIBILITY,
    ),
    CategoryEntry(
        "help-find-work",
        "110-01",
        "Help Find Work",
        "Ayuda para encontrar trabajo",
        OPEN_ELIGIBILITY,
        "job",
    ),
    CategoryEntry(
        "legal-aid",
        "111-01",
        "Advocacy & Legal Aid",
        "Defensa y ayuda legal",
        OPEN_ELIGIBILITY,
        "lawyer",
    ),
    CategoryEntry(
        "escape-violence",
        "101-06-01",
        "Help Escape Violence",
        "Ayuda para escapar de la violencia",
        OPEN_ELIGIBILITY,
        "domestic violence",
    ),
    CategoryEntry(
        "bereavement", "106-03-01", "Bereavement", "Duelo", OPEN_ELIGIBILITY, "grief loss"
    ),
)

BY_SLUG = {entry.slug: entry for entry in CATEGORIES}


class AttendeeName(NamedTuple):
    """What the kiosk calls a category: sentence case, plain words, no clinical labels.

    The Open Eligibility (HSDS) name above stays the category's name for staff and for
    interchange, so exports and imports are unchanged; only attendee-facing screens use these.
    """

    name: str
    name_es: str
    icon: str


ATTENDEE_NAMES: dict[str, AttendeeName] = {
    "crisis-line": AttendeeName("Crisis line", "Línea de crisis", "phone"),
    "peer-support-group": AttendeeName(
        "Peer support groups", "Grupos de apoyo entre pares", "users"
    ),
    "counseling": AttendeeName("Counseling", "Consejería", "messages-square"),
    "psychiatric-emergency": AttendeeName(
        "Urgent mental health help", "Ayuda urgente para la salud mental", "life-buoy"
    ),
    "food-pantry": AttendeeName("Food pantry", "Despensa de alimentos", "shopping-basket"),
    "free-meals": AttendeeName("Free meals", "Comidas gratuitas", "utensils"),
    "emergency-shelter": AttendeeName("Emergency shelter", "Albergue de emergencia", "bed"),
    "help-find-housing": AttendeeName(
        "Help finding housing", "Ayuda para encontrar vivienda", "house"
    ),
    "addiction-recovery": AttendeeName(
        "Help with drugs or alcohol", "Ayuda con el alcohol o las drogas", "sprout"
    ),
    "medical-care": AttendeeName("Medical care", "Atención médica", "stethoscope"),
    "dental-care": AttendeeName("Dental care", "Atención dental", "smile"),
    "clothing": AttendeeName("Clothing", "Ropa", "shirt"),
    "transportation": AttendeeName("Transportation", "Transporte", "bus"),
    "government-benefits": AttendeeName(
        "Government benefits", "Beneficios del gobierno", "landmark"
    ),
    "help-find-work": AttendeeName(
        "Help finding work", "Ayuda para encontrar trabajo", "briefcase"
    ),
    "legal-aid": AttendeeName("Legal help", "Ayuda legal", "scale"),
    "escape-violence": AttendeeName(
        "Help escaping violence", "Ayuda para escapar de la violencia", "shield"
    ),
    "bereavement": AttendeeName("Grief and loss", "Duelo y pérdida", "flower"),
}


def attendee_name(slug: str, locale: str) -> str | None:
    """The kiosk's name for a shipped category in the display language (None if not shipped)."""
    entry = ATTENDEE_NAMES.get(slug)
    if entry is None:
        return None
    return entry.name_es if locale.startswith("es") else entry.name


def category_icon(slug: str) -> str:
    """The icon file (static/icons) drawn on a category's topic tile."""
    entry = ATTENDEE_NAMES.get(slug)
    return entry.icon if entry else "map-pin"
