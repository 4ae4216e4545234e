"""Finding members by any part of their name, e-mail or organisation, through an index.

A substring search ("rivera" in "Dana Rivera-Lopez") cannot use an ordinary index, so each
database gets a trigram one: on PostgreSQL a pg_trgm GIN index per column, used by ILIKE
as it is; on SQLite an FTS5 table with the trigram tokenizer, kept in step with ``members``
by triggers. Both are made with the members table (``db.create_all``) and by migration
0007; they are not models, so schema comparisons skip them (``is_search_object``).
"""
from contextlib import contextmanager

from sqlalchemy import DDL, column, event, func, literal_column, or_, select, table, text

from ..extensions import db
from .models import Member

COLUMNS = ("first_name", "last_name", "email", "organisation")
FTS_TABLE = "member_search"
TRIGRAM = 3   # shorter terms cannot use a trigram index and are matched by a scan

INSERT_TRIGGER = (
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON members BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, {', '.join(COLUMNS)}) "
    f"VALUES (new.id, {', '.join('new.' + c for c in COLUMNS)}); END")
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({', '.join(COLUMNS)}, "
    "content='members', content_rowid='id', tokenize='trigram')",
    INSERT_TRIGGER,
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON members BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {', '.join(COLUMNS)}) "
    f"VALUES ('delete', old.id, {', '.join('old.' + c for c in COLUMNS)}); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE OF {', '.join(COLUMNS)} ON members BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {', '.join(COLUMNS)}) "
    f"VALUES ('delete', old.id, {', '.join('old.' + c for c in COLUMNS)}); "
    f"INSERT INTO {FTS_TABLE}(rowid, {', '.join(COLUMNS)}) "
    f"VALUES (new.id, {', '.join('new.' + c for c in COLUMNS)}); END",
]
SQLITE_DROP = [f"DROP TABLE IF EXISTS {FTS_TABLE}"]

def create_postgresql_indexes(connection) -> None:
    """pg_trgm (once per database) and a GIN trigram index per column. The operator class is
    named with the extension's schema: the members table may live in another one (search_path)."""
    connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema = connection.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'").scalar_one()
    for name in COLUMNS:
        connection.exec_driver_sql(f'CREATE INDEX IF NOT EXISTS ix_members_{name}_trgm ON members '
                                   f'USING gin ({name} "{schema}".gin_trgm_ops)')


for statement in SQLITE_CREATE:
    event.listen(Member.__table__, "after_create", DDL(statement).execute_if(dialect="sqlite"))
for statement in SQLITE_DROP:
    event.listen(Member.__table__, "before_drop", DDL(statement).execute_if(dialect="sqlite"))


@event.listens_for(Member.__table__, "after_create")
def _after_members_created(target, connection, **kw) -> None:
    if connection.dialect.name == "postgresql":
        create_postgresql_indexes(connection)

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
    if db.session.get_bind().dialect.name != "sqlite":
        yield
        return
    before = db.session.scalar(select(func.max(Member.id))) or 0
    db.session.execute(text(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_insert"))
    yield
    db.session.flush()
    db.session.execute(text(f"INSERT INTO {FTS_TABLE}(rowid, {', '.join(COLUMNS)}) "
                            f"SELECT id, {', '.join(COLUMNS)} FROM members WHERE id > :before"), {"before": before})
    db.session.execute(text(INSERT_TRIGGER))


def is_search_object(name: str | None) -> bool:
    """The FTS5 table (and its shadow tables) and the trigram indexes: outside the models."""
    return bool(name) and (name.startswith(FTS_TABLE) or name.endswith("_trgm"))


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matches(term: str):
    """The condition "``term`` is part of the member's name, e-mail or organisation", any case."""
    columns = [getattr(Member, name) for name in COLUMNS]
    if db.engine.dialect.name == "sqlite":
        if len(term) >= TRIGRAM:
            phrase = '"' + term.replace('"', '""') + '"'
            return Member.id.in_(select(_fts.c.rowid).where(literal_column(FTS_TABLE).op("MATCH")(phrase)))
        # SQLite's LIKE already ignores (ASCII) case; lower() on both sides would only cost time.
        return or_(*(c.like(_like_pattern(term), escape="\\") for c in columns))
    return or_(*(c.ilike(_like_pattern(term), escape="\\") for c in columns))
