"""CLI: export members to a file, import a member list, generate members for load tests."""
import os
import tempfile

import click
from flask.cli import with_appcontext
from werkzeug.datastructures import MultiDict

from ..core.csvsafe import csv_lines
from ..core.database import analyze
from ..core.timeutil import utcnow
from ..extensions import db
from .audit import command_line_actor, complete_export
from .directory import count_matching
from .exports import DEFAULT_COLUMNS, BadColumns, available_columns, choose_columns, export_rows, start_export
from .fake_data import generate_members
from .filters import BadFilter, parse_query
from .imports import AlreadyApplied, ImportFileError, apply_import, check_rows, decode, save_upload


def _filters(pairs: tuple[str, ...]) -> MultiDict:
    data: MultiDict[str, str] = MultiDict()
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"write filters as name=value, not {pair!r}", param_hint="--filter")
        data.add(name.strip(), value)
    return data


@click.command("export-members")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The CSV file to write (written completely, then moved into place).")
@click.option("--filter", "filters", multiple=True, metavar="NAME=VALUE",
              help="A directory filter, e.g. category=le_current, state=AZ, joined_from=2024-01-01. Repeatable.")
@click.option("--columns", default=",".join(DEFAULT_COLUMNS), show_default=True,
              help="Comma-separated column keys; see --list-columns.")
@click.option("--sort", default="name", show_default=True)
@click.option("--hide-private", is_flag=True, help="Leave out private agencies and roles.")
@click.option("--list-columns", is_flag=True, help="Show the column keys and stop.")
@with_appcontext
def export_members_command(output, filters, columns, sort, hide_private, list_columns):
    """Export members to a CSV file with a progress bar; the export is recorded in the audit log."""
    if list_columns:
        for key, column in available_columns().items():
            click.echo(f"{key:22} {column.header}")
        return
    args = _filters(filters)
    args.add("sort", sort)
    try:
        query = parse_query(args)
        chosen = choose_columns([key.strip() for key in columns.split(",") if key.strip()])
    except (BadFilter, BadColumns) as exc:
        raise click.UsageError(str(exc)) from exc
    total = count_matching(query)
    if total == 0:
        raise click.ClickException("No members match these filters; no file was written.")
    event_id = start_export(query, chosen, hide_private, total, where=f"command line: {output}",
                            actor=(None, command_line_actor()))
    db.session.commit()
    written = _write_atomically(output, [c.header for c in chosen], export_rows(query, chosen, hide_private), total)
    complete_export(event_id, written)
    db.session.commit()
    click.echo(f"Wrote {written} members to {output}.")


def _write_atomically(path: str, header: list[str], rows, total: int) -> int:
    """Write to a temporary file beside ``path`` and rename it, so a half-written file never appears."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".export-", suffix=".csv", dir=directory)
    written = 0

    def counted():
        nonlocal written
        with click.progressbar(length=total, label="Exporting members") as bar:
            for row in rows:
                yield row
                written += 1
                bar.update(1)

    try:
        with os.fdopen(handle, "wb") as file:
            for chunk in csv_lines(header, counted(), already_safe=True):
                file.write(chunk)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return written


@click.command("import-members")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--apply", "apply_", is_flag=True, help="Add the new members. Without it, only report (dry run).")
@with_appcontext
def import_members_command(path, apply_):
    """Check a member list (dry run) or, with --apply, add its new members; matched on e-mail."""
    with open(path, "rb") as file:
        data = file.read()
    try:
        text = decode(data)
        report = check_rows(text)
    except ImportFileError as exc:
        raise click.ClickException(str(exc)) from exc
    for row in report.rows:
        if row.outcome == "error":
            click.echo(f"line {row.line}: {row.email or row.name or '?'}: {' '.join(row.messages)}")
    summary = report.summary()
    click.echo(f"{summary['new']} new, {summary['existing']} already members, {summary['errors']} rows with errors.")
    if not apply_:
        click.echo("Dry run: nothing was saved. Run again with --apply to add the new members.")
        return
    upload = save_upload(os.path.basename(path), text)
    try:
        report = apply_import(upload)
    except (AlreadyApplied, ImportFileError) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Added {report.count('new')} members (import #{upload.id}).")


@click.command("generate-members")
@click.argument("count", type=click.IntRange(1, 2_000_000))
@click.option("--seed", type=int, default=None, help="Make the generated data repeatable.")
@with_appcontext
def generate_members_command(count, seed):
    """Add COUNT generated members (for load tests; they cannot log in)."""
    started = utcnow()
    with click.progressbar(length=count, label="Generating members") as bar:
        added = generate_members(count, seed=seed, progress=bar.update)
    db.session.commit()
    seconds = (utcnow() - started).total_seconds()
    click.echo(f"Added {added} generated members in {seconds:.1f} s.")


@click.command("analyze-database")
@with_appcontext
def analyze_database_command():
    """Refresh the query planner's statistics (after an import or generating members)."""
    started = utcnow()
    analyze()
    click.echo(f"Statistics refreshed in {(utcnow() - started).total_seconds():.1f} s.")
