"""A SELECT of at most one row, sent straight to the driver's cursor.

For the one statement every logged-in request sends (members/login.py). SQLAlchemy's execution
path builds an execution context, the result's metadata from the cursor's description (on
psycopg, one Column object per column, every time), and the ORM's loading on top: more CPU than
the round trip itself (a kept /actions page on PostgreSQL, in-process: 0.86-0.92 ms of CPU with
the member loaded through the session, 0.71-0.74 ms this way). What is kept:
- the statement is compiled by SQLAlchemy, once per kind of database;
- it runs on a pooled connection of its own (core/database.py), each statement its own
  transaction, through ``Connection._cursor_execute``, the path SQLAlchemy sends its own
  statements by (sequences, defaults): the engine's cursor events see it (the write check, and
  the statement counts of tests and bench), and driver errors arrive as SQLAlchemy's, a lost
  connection invalidated;
- each value goes through its type's result processor for the database (on SQLite a DATETIME
  is text until parsed), as SQLAlchemy's own results do.
"""
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select
from sqlalchemy.engine import Dialect

from .database import connection_of_its_own


@dataclass(frozen=True)
class _Compiled:
    sql: str
    fixed: dict                       # the values of bound literals
    positions: tuple[str, ...] | None  # parameter order, for drivers that take them by position
    labels: tuple[str, ...]
    processors: tuple                 # per column: the type's result processor, or None

    def arguments(self, values: dict):
        named = {**self.fixed, **values}
        return named if self.positions is None else tuple(named[name] for name in self.positions)

    def mapping(self, row: tuple) -> dict:
        return {label: value if process is None else process(value)
                for label, process, value in zip(self.labels, self.processors, row)}


class DriverSelect:
    """``build()``'s statement (made on first use), whose bound parameters without a value are
    given to ``one_or_none`` by name."""

    def __init__(self, build: Callable[[], Select]):
        self._build = build
        self._compiled: dict[tuple[str, str], _Compiled] = {}   # by database and driver

    def one_or_none(self, **values) -> dict | None:
        """The row by column label, or None."""
        with connection_of_its_own() as connection:
            compiled = self._compiled_for(connection.dialect)
            cursor = connection.connection.cursor()
            try:
                connection._cursor_execute(cursor, compiled.sql, compiled.arguments(values))
                row = cursor.fetchone()
            finally:
                cursor.close()
        return None if row is None else compiled.mapping(row)

    def _compiled_for(self, dialect: Dialect) -> _Compiled:
        kind = (dialect.name, dialect.driver)
        compiled = self._compiled.get(kind)
        if compiled is None:
            compiled = self._compiled[kind] = _compile(self._build(), dialect)
        return compiled


def _compile(statement: Select, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    columns = list(statement.selected_columns)
    return _Compiled(
        sql=compiled.string,
        fixed={name: value for name, value in compiled.params.items() if value is not None},
        positions=tuple(compiled.positiontup) if compiled.positional else None,
        labels=tuple(statement.selected_columns.keys()),
        processors=tuple(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns))
