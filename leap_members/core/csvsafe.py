"""The one CSV writer: formula-safe cells, UTF-8 with a BOM for Excel, streamed row by row."""
import csv
import io
from dataclasses import dataclass
from itertools import islice
from typing import Any, ClassVar, Generator, Iterable, Iterator

from flask import Response, stream_with_context
from sqlalchemy import Select, String, case, func, literal

from ..extensions import db

# Characters that make a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"


def neutralise(value: Any) -> str:
    """The text of a cell, with a leading quote if a spreadsheet would run it as a formula."""
    if type(value) is str:  # nearly every cell: checked first, since exports call this a million times
        return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def neutralised_in_sql(text):
    """neutralise() done by the database, for exports that stream millions of cells: the same
    leading quote before a formula trigger, and NULL as ''."""
    return case((func.substr(text, 1, 1).in_(FORMULA_TRIGGERS), literal("'", String) + text),
                else_=func.coalesce(text, "") if _nullable(text) else text)


def _nullable(column) -> bool:
    """False only for a column declared NOT NULL: its cells skip the coalesce()."""
    return getattr(getattr(column, "expression", column), "nullable", True)


def neutralise_row(row: Iterable[Any]) -> list[str]:
    """neutralise() of every cell, with the common case (text) inline: a million-cell export
    spends most of its time here."""
    return [("'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell) if type(cell) is str else neutralise(cell)
            for cell in row]


class _Line:
    """A file-like object that hands back what csv.writer wrote."""

    def __init__(self):
        self.buffer = io.StringIO()

    def write(self, text: str) -> int:
        return self.buffer.write(text)

    def take(self) -> str:
        value = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return value


@dataclass
class WrittenCsv:
    """Rows the database has already written as CSV, in blocks of bytes (see database_csv)."""
    blocks: Iterable[bytes]
    newline: ClassVar[str] = "\n"   # PostgreSQL ends its CSV lines with a bare newline


def database_csv(statement: Select, block_size: int = 64 * 1024) -> Generator[bytes, None, int]:
    """The rows of ``statement`` as CSV written by PostgreSQL itself (COPY (SELECT ...) TO STDOUT),
    UTF-8, in blocks of about ``block_size`` bytes; returns the number of rows once the last is out.

    For exports of many rows: no Python runs per row or cell, so every cell must already be its
    final, formula-safe text (neutralised_in_sql). Cells come out as csv.writer writes them: COPY
    quotes an empty string (to tell it from NULL), so with several columns an empty cell is sent as
    NULL and written empty; a single column keeps the quotes, or an empty row would be a blank line.
    """
    if len(statement.selected_columns) > 1:
        statement = statement.with_only_columns(*(func.nullif(column, "") for column in statement.selected_columns))
    compiled = statement.compile(dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
    block, size = [], 0
    try:
        driver = db.session.connection().connection.driver_connection
        assert driver is not None   # a live connection: the session just checked it out
        with driver.cursor() as cursor:
            # The driver binds the parameters into the statement (COPY takes no server-side parameters).
            with cursor.copy(f"COPY ({compiled}) TO STDOUT (FORMAT csv, ENCODING 'UTF8')", compiled.params) as copy:
                for line in copy:
                    block.append(line)   # the driver's own copy of the line: joined, never kept
                    size += len(line)
                    if size >= block_size:
                        yield b"".join(block)
                        block, size = [], 0
            if block:
                yield b"".join(block)
            return cursor.rowcount
    except GeneratorExit:
        # Stopped part-way (the browser went away): the driver cancels the COPY, which aborts the
        # transaction; roll it back so the session can be used again.
        db.session.rollback()
        raise


def csv_lines(header: list[str], rows: Iterable[Iterable[Any]] | WrittenCsv, bom: bool = True,
              already_safe: bool = False) -> Iterator[bytes]:
    """Yield the CSV, UTF-8 encoded, a chunk at a time: the header first, then the rows, 500 at a time.

    ``already_safe``: the rows' cells were made by neutralised_in_sql(); they are written as
    they come instead of through neutralise_row. ``rows`` may also be CSV the database wrote
    (WrittenCsv): its blocks follow the header as they are, and the header ends its line the same way.
    """
    line = _Line()
    writer = csv.writer(line, lineterminator=rows.newline if isinstance(rows, WrittenCsv) else "\r\n")
    writer.writerow(neutralise_row(header))
    yield ((UTF8_BOM if bom else "") + line.take()).encode()
    if isinstance(rows, WrittenCsv):
        yield from rows.blocks
        return
    remaining = iter(rows)
    while batch := list(islice(remaining, 500)):
        writer.writerows(batch if already_safe else map(neutralise_row, batch))
        yield line.take().encode()


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[Any]] | WrittenCsv,
                 already_safe: bool = False):
    """A streamed download; ``rows`` should be a lazy iterator (e.g. a server-side cursor)."""
    response = Response(stream_with_context(csv_lines(header, rows, already_safe=already_safe)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
