"""Full-text search over services: SQLite FTS5 or PostgreSQL text search, same behaviour.

Both match every typed word as a prefix ("therap" finds "therapy") and widen each word with a
synonym list ("therapist" also finds counseling). The text searched is ``search_text``, which
the service layer rebuilds on every write; on SQLite, triggers made by the migration copy it
into the FTS5 index in the same transaction, so the index can never lag behind the data.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from sqlalchemy import (
    Select,
    String,
    bindparam,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
    union,
)

from ..extensions import db
from .models import ResourceService

FTS_TABLE = "resource_search"
PG_INDEX = "ix_resource_services_search_tsv"
# Crisis services only (PostgreSQL); its name starts with PG_INDEX's (see include_object).
PG_CRISIS_INDEX = "ix_resource_services_search_tsv_crisis"
# Active services in result-list order (crisis first, then by name), both databases: browsing
# a topic or a filter with no typed word reads the first page from it instead of sorting every
# active service (migration 0024_search_marker; made by hand for its DESC column).
BROWSE_INDEX = "ix_resource_services_browse"
PG_COLUMN = "search_tsv"
MAX_WORDS = 8
# A word only crisis services carry in their search text (the service layer adds it). Asking
# FTS5 for "matches AND this word" intersects the crisis matches in the index, instead of
# testing every match's crisis flag row by row: that test was what kept a broad search at
# 100,000 services slow. (PostgreSQL has a partial index of crisis services instead, which is
# cheaper than ANDing with the marker's 10,000 postings.) Nobody types it; if someone did,
# they would only see crisis lines.
CRISIS_MARKER = "zzcrisiszz"

# What people type → words staff write in listings. Keys match as prefixes of typed words, so
# "therap" already finds everything "therapist" would.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "therapist": ("counseling", "counselling", "counselor", "therapy"),
    "therapy": ("counseling", "counselling", "therapist"),
    "counselor": ("counseling", "therapy"),
    "counsellor": ("counseling", "therapy"),
    "psychologist": ("counseling", "therapy"),
    "shrink": ("counseling", "therapy", "psychiatric"),
    "talk": ("counseling", "support"),
    "food bank": ("food pantry",),
    "foodbank": ("pantry",),
    "groceries": ("pantry", "food"),
    "hungry": ("food", "meals", "pantry"),
    "soup kitchen": ("free meals",),
    "hotline": ("crisis line", "helpline"),
    "helpline": ("crisis line", "hotline"),
    "suicide": ("crisis",),
    "homeless": ("shelter", "housing"),
    "shelter": ("housing",),
    "rehab": ("recovery", "addiction"),
    "drugs": ("addiction", "recovery"),
    "alcohol": ("addiction", "recovery"),
    "lawyer": ("legal",),
    "attorney": ("legal",),
    "doctor": ("medical", "clinic"),
    "dentist": ("dental",),
    "job": ("work", "employment"),
    "grief": ("bereavement",),
    "abuse": ("violence",),
    "terapia": ("counseling", "consejeria"),
    "terapeuta": ("counseling", "consejeria"),
    "comida": ("food", "alimentos"),
}


def normalize(value: str) -> str:
    """Lower case without accents, so "Consejería" and "consejeria" match on both databases."""
    decomposed = unicodedata.normalize("NFKD", value.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(value: str) -> list[str]:
    """The searchable words of a text."""
    # Letters and digits only: "_" is not a word character here (it marks phrases below), and
    # no FTS5 or tsquery operator can come from what was typed.
    return re.findall(r"[^\W_]+", normalize(value))[:MAX_WORDS]


def expand(query: str) -> list[list[str]]:
    """One group of alternatives per typed word; a row must match some alternative of each.

    A phrase synonym ("food bank") replaces its words with the phrase's alternatives.
    """
    typed = words(query)
    joined = " ".join(typed)
    groups: list[list[str]] = []
    skip: set[int] = set()
    for key, alternatives in SYNONYMS.items():
        if " " in key and key in joined:
            key_words = key.split()
            for start in range(len(typed) - len(key_words) + 1):
                if typed[start : start + len(key_words)] == key_words:
                    skip.update(range(start, start + len(key_words)))
                    options = [w for alt in alternatives for w in [alt]]
                    groups.append([key.replace(" ", "_"), *options])
    for index, word in enumerate(typed):
        if index in skip:
            continue
        options = [word]
        for key, alternatives in SYNONYMS.items():
            if " " not in key and key.startswith(word) and len(word) >= 4:
                options.extend(alternatives)
        groups.append(list(dict.fromkeys(options)))
    return groups


def _fts_query(groups: list[list[str]]) -> str:
    parts = []
    for options in groups:
        alts = []
        for option in options:
            if "_" in option:  # the phrase itself
                alts.append('"' + option.replace("_", " ") + '"')
            elif " " in option:
                alts.append('"' + option + '"')
            else:
                alts.append(f'"{option}"*')
        parts.append("(" + " OR ".join(alts) + ")")
    return " AND ".join(parts)


def _pg_query(groups: list[list[str]]) -> str:
    parts = []
    for options in groups:
        alts = []
        for option in options:
            tokens = option.replace("_", " ").split()
            if len(tokens) > 1:
                alts.append("(" + " <-> ".join(tokens) + ")")
            else:
                alts.append(f"{tokens[0]}:*")
        parts.append("(" + " | ".join(alts) + ")")
    return " & ".join(parts)


# How many matches are ranked at most (and as many crisis matches besides). Ranking reads each
# match's index entry, so ranking all of them made a broad query at 100,000 services take half a
# second; a person reads the first page of 30. Past this many matches, the ranked candidates are
# the first ones in index order: every one of them still matches every typed word.
CANDIDATES = 300


def terms(query: str) -> dict[str, str] | None:
    """The values ``candidates()`` is run with for what was typed; None without a searchable word.

    Only these values change from one search to the next: the statement itself is built once.
    """
    groups = expand(query)
    if not groups:
        return None
    if db.engine.dialect.name == "sqlite":
        fts_query = _fts_query(groups)
        return {"fts_all": fts_query, "fts_crisis": f"({fts_query}) AND {CRISIS_MARKER}"}
    return {"tsquery": _pg_query(groups)}


@functools.cache
def candidates(dialect: str, cap: int) -> Select[Any]:
    """A select of matching service ids with a rank column (lower is better), to run with the
    values of ``terms()``; built once per database dialect and cap.

    At most ``cap`` matches are ranked (``CANDIDATES``), plus up to as many crisis matches, so
    that crisis resources stay first whatever the number of matches.
    """
    if dialect == "sqlite":
        rank: Any = literal_column("bm25(resource_search)")
        fts = table(FTS_TABLE, column("rowid"))
        rowid: Any = fts.c.rowid

        def ranked(name: str) -> Select[Any]:
            # The LIMIT sits inside the MATCH query: FTS5 computes bm25 only for rows it returns.
            inner = (
                select(rowid.label("id"), rank.label("rank"))
                .select_from(fts)
                .where(text(f"{FTS_TABLE} MATCH :{name}"))
                .limit(cap)
                .subquery()
            )
            return select(inner.c.id, inner.c.rank)

        # Two MATCH parameters with their own names (one name would bind one value to both).
        both = union(ranked("fts_all"), ranked("fts_crisis")).subquery()
        return select(both.c.id, both.c.rank)
    vector: Any = literal_column(f"{ResourceService.__tablename__}.{PG_COLUMN}")
    tsquery = func.to_tsquery(literal_column("'simple'"), bindparam("tsquery", type_=String))

    def capped(name: str, *where: Any) -> Any:
        # Take a bounded set of matches first (the GIN index), then rank only those. The
        # matches are planned apart (a MATERIALIZED CTE, as if every one were read) and read
        # lazily under the LIMIT: with the LIMIT in sight the planner bet on a sequential scan
        # stopping early, and when matches were fewer than it guessed (a word nobody wrote, a
        # typo, crisis lines that do not match) it read all 100,000 rows, 120-240 ms.
        pool: Any = (
            select(ResourceService.id, vector.label("tsv"))
            .where(vector.op("@@")(tsquery), *where)
            .cte(name)
            .prefix_with("MATERIALIZED")
        )
        found: Any = select(pool.c.id, pool.c.tsv).limit(cap).subquery()
        return select(found.c.id.label("id"), (-func.ts_rank(found.c.tsv, tsquery)).label("rank"))

    # Crisis matches come from the partial GIN index of crisis services (PG_CRISIS_INDEX, the
    # bare ``crisis`` test is what lets the planner use it): its posting lists hold only crisis
    # lines, so intersecting them costs nothing next to the whole index's (12-50 ms at
    # 100,000 services for a word and its synonyms ANDed with the marker word).
    crisis = capped("crisis_matches", ResourceService.crisis)
    both = union(capped("matches"), crisis).subquery()
    return select(both.c.id, both.c.rank)


def like_baseline(query: str) -> Select[Any] | None:
    """The naive way (LIKE '%word%' on every row), kept for the benchmark's comparison."""
    groups = expand(query)
    if not groups:
        return None
    conditions = [
        or_(*(ResourceService.search_text.like(f"%{o.replace('_', ' ')}%") for o in options))
        for options in groups
    ]
    return select(ResourceService.id).where(*conditions)


# Plain literals (the table is FTS_TABLE); the migration keeps its own copy of these.
SQLITE_DDL = (
    "CREATE VIRTUAL TABLE resource_search USING fts5(search_text, content='resource_services', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    """CREATE TRIGGER resource_search_ai AFTER INSERT ON resource_services BEGIN
  INSERT INTO resource_search(rowid, search_text) VALUES (new.id, new.search_text);
END""",
    """CREATE TRIGGER resource_search_ad AFTER DELETE ON resource_services BEGIN
  INSERT INTO resource_search(resource_search, rowid, search_text)
  VALUES ('delete', old.id, old.search_text);
END""",
    """CREATE TRIGGER resource_search_au AFTER UPDATE OF search_text ON resource_services BEGIN
  INSERT INTO resource_search(resource_search, rowid, search_text)
  VALUES ('delete', old.id, old.search_text);
  INSERT INTO resource_search(rowid, search_text) VALUES (new.id, new.search_text);
END""",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS resource_search_au",
    "DROP TRIGGER IF EXISTS resource_search_ad",
    "DROP TRIGGER IF EXISTS resource_search_ai",
    "DROP TABLE IF EXISTS resource_search",
)
# A stored tsvector: ranking and rechecking read it instead of re-parsing every matching row.
POSTGRES_DDL = (
    "ALTER TABLE resource_services ADD COLUMN search_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    "CREATE INDEX ix_resource_services_search_tsv ON resource_services USING gin (search_tsv)",
    # Crisis services only (migration 0024_search_marker): crisis matches without the whole index.
    "CREATE INDEX ix_resource_services_search_tsv_crisis ON resource_services "
    "USING gin (search_tsv) WHERE crisis",
)
POSTGRES_DROP = (
    "DROP INDEX IF EXISTS ix_resource_services_search_tsv_crisis",
    "DROP INDEX IF EXISTS ix_resource_services_search_tsv",
    "ALTER TABLE resource_services DROP COLUMN IF EXISTS search_tsv",
)


def rebuild_index() -> None:
    """Rebuild the SQLite FTS index from the table (after a batch migration copied the table)."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("INSERT INTO resource_search(resource_search) VALUES ('rebuild')"))


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic filter: the search index objects are made by hand in the migration.

    Autogenerate cannot see FTS5 virtual tables (and their shadow tables) or the PostgreSQL
    generated tsvector column and its indexes, so without this it would offer to drop them
    (and the browse index, whose DESC column the models do not declare).
    """
    return not (
        reflected
        and compare_to is None
        and name
        and name.startswith((FTS_TABLE, PG_INDEX, PG_COLUMN, BROWSE_INDEX))
    )
