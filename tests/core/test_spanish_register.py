"""Spanish in one register: usted, written for a US community.

The catalogs are scanned for a listed set of forms that give the register away: vosotros
forms, tú pronouns and verb forms, tú imperatives at the start of a sentence (the -a/-e
imperatives look like third-person forms elsewhere, so only the sentence start is checked),
and slash-gender constructions such as "Bienvenido/a".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted(ROOT.glob("kiosk/**/translations/es/LC_MESSAGES/messages.po"))

VOSOTROS = "vosotros vosotras os estáis sois tenéis podéis queréis sabéis habéis vuestro vuestra"
TU_FORMS = (
    "tú tu tus ti te contigo eres estás tienes puedes quieres necesitas sabes sientes vienes"
    " podrías quisieras escribas termines puedas vayas compartas olvides dudes digas dejes hagas"
    # Infinitives with the tú pronoun attached (usted: encontrarle, buscarle).
    " encontrarte buscarte llamarte ayudarte contactarte verte"
)
# Imperatives with a pronoun attached are tú whatever their place in the sentence.
TU_IMPERATIVES_ANYWHERE = (
    "guárdalo escríbelo imprímelo llévatelo avísale quédate sáltate hazlo dinos cuéntanos"
    " atiéndelas ciérralas cámbialo explícale siéntate ponte cuídate tómate déjanos"
    " regístrate acórtalo anótalo márcala elígelo tócala mantenla mantenlo destrúyela destrúyelo"
)
# Bare tú imperatives, checked at the start of a sentence only.
TU_IMPERATIVES_START = (
    "toca pulsa elige escribe busca llama mira pide cambia añade comprueba anota"
    " escanea guarda respira piensa recuerda lee ven di haz pon sal usa"
    " prueba intenta mantén"
)


def _words(spec: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(" + "|".join(spec.split()) + r")(?!\w)", re.IGNORECASE)


RULES = {
    "vosotros form": _words(VOSOTROS),
    "tú form": _words(TU_FORMS),
    "tú imperative": _words(TU_IMPERATIVES_ANYWHERE),
    "tú imperative at sentence start": re.compile(
        r"(?:^|[.!?:;]\s+|[¿¡«]\s*)(" + "|".join(TU_IMPERATIVES_START.split()) + r")(?!\w)",
        re.IGNORECASE,
    ),
    "slash gender (Bienvenido/a)": re.compile(r"\w(?:o/a|os/as|/a|/as)(?!\w)", re.IGNORECASE),
}


def register_problems(text: str) -> list[str]:
    """The rules a Spanish string breaks (empty when it is all usted)."""
    return [name for name, rule in RULES.items() if rule.search(text)]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Si tú u otra persona estáis en peligro", "vosotros form"),
        ("¿Es tu primera vez aquí?", "tú form"),
        ("Guárdalo en un lugar seguro.", "tú imperative"),
        ("Mantenla fuera de la vista, no la compartas con nadie", "tú imperative"),
        ("no la compartas con nadie", "tú form"),
        ("Toca una idea para añadirla:", "tú imperative at sentence start"),
        ("Bienvenido/a", "slash gender (Bienvenido/a)"),
        ("Invitado/a 3", "slash gender (Bienvenido/a)"),
    ],
)
def test_the_scanner_finds_each_listed_form(text: str, problem: str) -> None:
    assert problem in register_problems(text)


@pytest.mark.parametrize(
    "text",
    ["Toque una idea para añadirla:", "La pantalla cambia sola.", "¿Es su primera vez aquí?"],
)
def test_the_scanner_accepts_usted(text: str) -> None:
    assert register_problems(text) == []


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_spanish_catalogs_use_one_register(po: Path) -> None:
    with po.open("rb") as handle:
        catalog = read_po(handle)
    found = []
    for message in catalog:
        strings = (
            [message.string] if isinstance(message.string, str) else list(message.string or ())
        )
        for text in strings:
            if message.id and text and register_problems(text):
                found.append(f"{text!r}: {', '.join(register_problems(text))}")
    assert found == [], "\n".join(found)
