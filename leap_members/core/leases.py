"""Work shared by several workers (the outbox, the Stripe event queue): each takes due rows in
batches under a lease, so two never take the same row and a dead worker's rows come due again."""
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import InstrumentedAttribute

from ..extensions import db
from .timeutil import utcnow


def lease_due(model: Any, due: list[ColumnElement], lease_column: InstrumentedAttribute, lease: timedelta,
              limit: int, *columns: InstrumentedAttribute) -> list[Row]:
    """Lease up to ``limit`` rows of ``model`` meeting ``due``, oldest first, and commit at once.

    Each row's ``lease_column`` moves ``lease`` ahead, so no worker finds it due again until the
    lease ends. Rows another worker is leasing at the same moment are skipped (SKIP LOCKED; on
    SQLite the write lock makes workers take turns). One UPDATE ... RETURNING: the id and
    ``columns`` of each leased row, oldest first.
    """
    oldest = select(model.id).where(*due).order_by(model.id).limit(limit).with_for_update(skip_locked=True)
    statement = (update(model).where(model.id.in_(oldest.scalar_subquery()))
                 .values({lease_column: utcnow() + lease}).returning(model.id, *columns)
                 .execution_options(synchronize_session=False))
    leased = db.session.execute(statement).all()
    db.session.commit()
    return sorted(leased, key=lambda row: row.id)
