"""Data versions: a value the database itself replaces whenever certain tables change.

A page built from those tables can be kept and served again while the version it was built
from is still the current one. Triggers write a new, random version in the same transaction
as the change, whoever makes it (the app, a bulk import, a migration, psql), so a kept page is
never older than the data its version names. A missing row (a database being emptied) means
"unknown": nothing is kept or served until the next change writes a version again.

On SQLite a trigger per row and kind of change; on PostgreSQL one deferred trigger per table
that writes the version once per transaction, at commit, when every other lock is already
held (so writers cannot deadlock on the version row), and one for TRUNCATE.
"""
import secrets
from collections.abc import Callable, Iterable, Mapping

from flask import Flask, g, has_app_context
from sqlalchemy import BigInteger, Select, String, bindparam, event, literal, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .database import may_write

# version name -> what gives the names of the tables it follows (asked when the schema is made)
_FOLLOWED: dict[str, Callable[[], Iterable[str]]] = {}


class DataVersion(db.Model):
    __tablename__ = "data_versions"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


_VERSION_OF = select(DataVersion.__table__.c.version).where(DataVersion.__table__.c.name == bindparam("name"))
_READ_AHEAD = "_leap_data_versions"   # g: the versions read with the logged-in member
_WROTE = "_leap_wrote"                 # g: the request has sent a statement that may write


def follow(name: str, tables: Callable[[], Iterable[str]]) -> None:
    """Keep version ``name`` in step with the tables ``tables()`` names."""
    _FOLLOWED[name] = tables


def followed() -> dict[str, set[str]]:
    """Each version and the tables it follows."""
    return {name: set(tables()) for name, tables in _FOLLOWED.items()}


def current(name: str) -> int | None:
    """The version now, in the request's transaction; None if unknown. (On the session's
    connection: the ORM's execute path would cost as much again as the query.)

    Unknown once the request has written, or holds changes not yet sent: a page built from
    them could show what no version names (on PostgreSQL the version is only replaced at
    commit), and if they were rolled back it would be kept under the version still current.
    If the request read it ahead (``with_versions``), that value: it was read before anything
    the request reads now, so a page built from what it reads now and kept under it is never
    older than it."""
    session = db.session()
    if g.get(_WROTE) or session.new or session.dirty or session.deleted:
        return None
    remembered = g.get(_READ_AHEAD, {})
    if name in remembered:
        return remembered[name]
    return session.connection().execute(_VERSION_OF, {"name": name}).scalar_one_or_none()


def with_versions(statement: Select) -> Select:
    """``statement`` with one more column per followed version: a statement every request
    sends anyway (the logged-in member's) reads them in the same round trip. Give its row, by
    column label, to ``read_ahead``."""
    versions = DataVersion.__table__
    return statement.add_columns(*(
        select(versions.c.version).where(versions.c.name == literal(name)).scalar_subquery().label(_label(name))
        for name in sorted(_FOLLOWED)))


def _label(name: str) -> str:
    return f"data_version_{name}"


def read_ahead(columns: Mapping) -> None:
    """Remember for this request the versions a ``with_versions`` statement read, from its row by
    column label (a version followed after the statement was built is simply not among them)."""
    setattr(g, _READ_AHEAD, {name: columns[_label(name)] for name in _FOLLOWED if _label(name) in columns})


def register(app: Flask) -> None:
    """Note the request's first statement that may write (see ``current``), and forget both
    that and the versions read ahead at its end (tests serve many requests in one app context)."""
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def note_writes(connection, cursor, statement, parameters, context, executemany):
        if has_app_context() and may_write(statement):
            setattr(g, _WROTE, True)

    @app.teardown_request
    def forget_at_the_end(_error=None):
        g.pop(_READ_AHEAD, None)
        g.pop(_WROTE, None)


def trigger_name(table: str, name: str) -> str:
    return f"{table}_{name}_version"


def sqlite_triggers(table: str, name: str) -> list[str]:
    write = (f"INSERT INTO data_versions (name, version) VALUES ('{name}', random()) "
             "ON CONFLICT (name) DO UPDATE SET version = excluded.version;")
    return [f"CREATE TRIGGER IF NOT EXISTS {trigger_name(table, name)}_{change.lower()} AFTER {change} ON {table} "
            f"BEGIN {write} END" for change in ("INSERT", "UPDATE", "DELETE")]


POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION new_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('leap_members.version_written_' || TG_ARGV[0], true) IS DISTINCT FROM 'yes' THEN
        INSERT INTO data_versions (name, version)
            VALUES (TG_ARGV[0], floor(random() * 9e18)::bigint)
            ON CONFLICT (name) DO UPDATE SET version = excluded.version;
        PERFORM set_config('leap_members.version_written_' || TG_ARGV[0], 'yes', true);
    END IF;
    RETURN NULL;
END $$
"""


def postgresql_triggers(table: str, name: str) -> list[str]:
    trigger = trigger_name(table, name)
    return [f"CREATE CONSTRAINT TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION new_data_version('{name}')",
            f"CREATE TRIGGER {trigger}_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION new_data_version('{name}')"]


def install(connection) -> None:
    """Create the triggers and a first version of every followed version (new schemas; migrations
    write their own)."""
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:
        connection.exec_driver_sql(POSTGRESQL_FUNCTION)
    for name, tables in _FOLLOWED.items():
        for table in tables():
            for statement in (postgresql_triggers if postgresql else sqlite_triggers)(table, name):
                connection.exec_driver_sql(statement)
        connection.execute(DataVersion.__table__.insert().values(name=name, version=secrets.randbits(62)))


@event.listens_for(db.metadata, "after_create")
def _after_schema_created(target, connection, tables=(), **kw) -> None:
    if DataVersion.__table__ in tables:   # made just now, so its triggers are not there yet
        install(connection)
