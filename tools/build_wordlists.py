"""Build the visitor-code word lists (kiosk/signin/words/en.txt and es.txt).

Sources, both permissively licensed and kept offline (see kiosk/signin/words/SOURCES.md):

- English: the EFF short word list (already shipped, kiosk/signin/eff_short_wordlist.txt) joined
  with the BIP-39 English list;
- Spanish: the BIP-39 Spanish list.

The BIP-39 lists come from the ``mnemonic`` package (MIT; ``pip install mnemonic==0.21``, a
build-time tool only, not a dependency of the app). Every word of the deny list
(kiosk/signin/words/deny.txt, reviewed by hand) is dropped, and so is any word that is not
letters only, shorter than 3 or longer than 8 letters, or the same as an earlier word once
accents are taken off (codes are compared without accents).

    .venv/bin/python tools/build_wordlists.py
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.signin.services import fold  # noqa: E402

WORDS = ROOT / "kiosk" / "signin" / "words"


def bip39(language: str) -> list[str]:
    import mnemonic  # type: ignore[import-not-found]

    return list(mnemonic.Mnemonic(language).wordlist)


def deny() -> set[str]:
    lines = (WORDS / "deny.txt").read_text(encoding="utf-8").splitlines()
    return {fold(w) for line in lines if not line.startswith("#") for w in line.split()}


def curate(candidates: list[str], denied: set[str]) -> list[str]:
    kept: dict[str, str] = {}
    for candidate in candidates:
        # NFC: the BIP-39 lists are stored decomposed ("a" + a combining accent).
        word = unicodedata.normalize("NFC", candidate.strip().lower())
        key = fold(word)
        if word.isalpha() and 3 <= len(word) <= 8 and key not in denied and key not in kept:
            kept[key] = word
    return sorted(kept.values(), key=fold)


def main() -> None:
    denied = deny()
    eff = (ROOT / "kiosk" / "signin" / "eff_short_wordlist.txt").read_text().split()
    lists = {"en": curate(eff + bip39("english"), denied), "es": curate(bip39("spanish"), denied)}
    for language, words in lists.items():
        (WORDS / f"{language}.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
        print(language, len(words))


if __name__ == "__main__":
    main()
