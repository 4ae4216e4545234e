"""Finding members by any part of their name, e-mail or organisation, through an index.

A substring search ("rivera" in "Dana Rivera-Lopez") cannot use an ordinary index, so each
database gets a trigram one: on PostgreSQL the four columns lower-cased in one generated column
(``search_text``) with a pg_trgm GIN index; on SQLite an FTS5 table with the trigram tokenizer, kept
in step with ``members`` by triggers. Both are made with the members table (``db.create_all``) and
by migrations 0007, 0008 and 0014; they are not models, so schema comparisons skip them
(``is_search_object``).
"""
from contextlib import contextmanager

from sqlalchemy import column, event, func, literal_column, or_, select, table, text

from ..core.database import on_sqlite
from ..extensions import db
from .models import Member

COLUMNS = ("first_name", "last_name", "email", "organisation")
FTS_TABLE = "member_search"
TRIGRAM = 3   # shorter terms cannot use a trigram index and are matched by a scan

_LISTED = ", ".join(COLUMNS)
_INDEX_NEW = f"INSERT INTO {FTS_TABLE}(rowid, {_LISTED}) VALUES (new.id, {', '.join('new.' + c for c in COLUMNS)});"
_UNINDEX_OLD = (f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_LISTED}) "
                f"VALUES ('delete', old.id, {', '.join('old.' + c for c in COLUMNS)});")
_INSERT_TRIGGER = f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON members BEGIN {_INDEX_NEW} END"
_SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({_LISTED}, "
    "content='members', content_rowid='id', tokenize='trigram')",
    _INSERT_TRIGGER,
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON members BEGIN {_UNINDEX_OLD} END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE OF {_LISTED} ON members "
    f"BEGIN {_UNINDEX_OLD} {_INDEX_NEW} END",
]


# PostgreSQL: the four columns lower-cased and space-separated in one stored generated column (a
# search term never holds a space, so it cannot match across two columns), with one trigram index.
# One index gives the planner one estimate: with an index per column it filtered a whole category
# instead (60 ms, now 4 ms). Stored, the text is not rebuilt for every row a short term must scan
# (two letters are shorter than a trigram): 35 ms instead of 140 at 100,000 members.
SEARCH_COLUMN = "search_text"
SEARCH_TEXT = ("lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' "
               "|| email || ' ' || coalesce(organisation, ''))")


def trigram_schema(connection) -> str:
    """The schema pg_trgm lives in: its operator class is named with it (the members table may
    live in another one, through search_path)."""
    return connection.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'").scalar_one()


def _create_postgresql_index(connection) -> None:
    """pg_trgm (once per database), the generated column and its GIN trigram index."""
    connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    connection.exec_driver_sql(f"ALTER TABLE members ADD COLUMN IF NOT EXISTS {SEARCH_COLUMN} text "
                               f"GENERATED ALWAYS AS ({SEARCH_TEXT}) STORED")
    connection.exec_driver_sql(f'CREATE INDEX IF NOT EXISTS ix_members_search_trgm ON members '
                               f'USING gin ({SEARCH_COLUMN} "{trigram_schema(connection)}".gin_trgm_ops)')


@event.listens_for(Member.__table__, "after_create")
def _after_members_created(target, connection, **kw) -> None:
    if connection.dialect.name == "postgresql":
        _create_postgresql_index(connection)
    else:
        for statement in _SQLITE_CREATE:
            connection.exec_driver_sql(statement)


@event.listens_for(Member.__table__, "before_drop")
def _before_members_dropped(target, connection, **kw) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")


_fts = table(FTS_TABLE, column("rowid"))


@contextmanager
def bulk_insert():
    """Insert members by the thousand (imports, generated members) and index them in one go.

    SQLite's per-row trigger makes a big insert slow down as the index grows (100,000 rows:
    4 minutes instead of 7 seconds); indexing the new rows with one statement at the end takes
    about a second. DDL is transactional in SQLite: no other connection sees the trigger gone,
    and the rollback that must follow an error brings it back. Call inside the transaction
    (or savepoint) that inserts.
    """
    if not on_sqlite():
        yield
        return
    before = db.session.scalar(select(func.max(Member.id))) or 0
    db.session.execute(text(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_insert"))
    yield
    db.session.flush()
    db.session.execute(text(f"INSERT INTO {FTS_TABLE}(rowid, {_LISTED}) SELECT id, {_LISTED} FROM members "
                            "WHERE id > :before"), {"before": before})
    db.session.execute(text(_INSERT_TRIGGER))


def is_search_object(name: str | None) -> bool:
    """The FTS5 table (and its shadow tables), the generated column and the trigram indexes: outside
    the models."""
    return name is not None and (name.startswith(FTS_TABLE) or name.endswith("_trgm") or name == SEARCH_COLUMN)


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matches(term: str):
    """The condition "``term`` is part of the member's name, e-mail or organisation", any case."""
    columns = [getattr(Member, name) for name in COLUMNS]
    if on_sqlite():
        if len(term) >= TRIGRAM:
            phrase = '"' + term.replace('"', '""') + '"'
            return Member.id.in_(select(_fts.c.rowid).where(literal_column(FTS_TABLE).op("MATCH")(phrase)))
        # SQLite's LIKE already ignores (ASCII) case; lower() on both sides would only cost time.
        return or_(*(c.like(_like_pattern(term), escape="\\") for c in columns))
    return literal_column(f"members.{SEARCH_COLUMN}").like(_like_pattern(term.lower()), escape="\\")
