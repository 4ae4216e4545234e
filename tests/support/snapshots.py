"""Every row of every table, before and after: what a request really changed in the database."""
from dataclasses import dataclass, field

from sqlalchemy import select

from leap_members.extensions import db

# Bookkeeping columns that legitimately move whenever a row is touched.
VOLATILE = {"updated_at"}


def snapshot() -> dict[str, dict[tuple, dict]]:
    """{table: {primary key: {column: value}}} for the whole database."""
    db.session.rollback()  # see what other transactions committed
    state = {}
    for table in db.metadata.sorted_tables:
        keys = [column.name for column in table.primary_key.columns]
        rows = db.session.execute(select(table)).mappings().all()
        state[table.name] = {tuple(row[k] for k in keys): dict(row) for row in rows}
    db.session.rollback()
    return state


@dataclass
class Changes:
    added: dict[str, list[dict]] = field(default_factory=dict)
    removed: dict[str, list[dict]] = field(default_factory=dict)
    changed: dict[str, dict[tuple, dict[str, tuple]]] = field(default_factory=dict)  # table -> pk -> col -> (old, new)

    def changed_columns(self, table: str) -> set[str]:
        return {column for row in self.changed.get(table, {}).values() for column in row}

    def values(self):
        """Every value written: in added rows and as the new value of changed columns."""
        for rows in self.added.values():
            for row in rows:
                yield from row.values()
        for rows in self.changed.values():
            for columns in rows.values():
                for _, new in columns.values():
                    yield new

    def describe(self) -> str:
        lines = [f"+ {table}: {row}" for table, rows in self.added.items() for row in rows]
        lines += [f"- {table}: {row}" for table, rows in self.removed.items() for row in rows]
        lines += [f"~ {table} {pk}: {columns}" for table, rows in self.changed.items() for pk, columns in rows.items()]
        return "\n".join(lines) or "(nothing)"


def diff(before: dict, after: dict) -> Changes:
    changes = Changes()
    for table, rows in after.items():
        old_rows = before.get(table, {})
        added = [row for pk, row in rows.items() if pk not in old_rows]
        removed = [row for pk, row in old_rows.items() if pk not in rows]
        if added:
            changes.added[table] = added
        if removed:
            changes.removed[table] = removed
        for pk, row in rows.items():
            if pk in old_rows:
                columns = {name: (old_rows[pk][name], value) for name, value in row.items()
                           if name not in VOLATILE and old_rows[pk][name] != value}
                if columns:
                    changes.changed.setdefault(table, {})[pk] = columns
    return changes
