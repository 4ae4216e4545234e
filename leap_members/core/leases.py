"""Work shared by several workers (the outbox, the Stripe event queue): each takes due rows in
batches under a lease, so two never take the same row and a dead worker's rows come due again.

A lease is short (WORKER_LEASE_SECONDS, 60 s). The worker renews what it still holds between
items once a third of the lease has passed, so a long batch keeps its rows while a worker killed
with -9 holds them up for about a minute. A worker that stops before finishing hands back what it
holds (due at once). When the database is down nothing can be renewed or handed back: the
lease's end is then the back-off. An item worked on longer than a whole lease may be taken by
another worker; applying an event is idempotent, and a resent e-mail keeps its Message-ID.
"""
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import InstrumentedAttribute

from ..extensions import db
from .timeutil import utcnow
from .worker import describe, reset_session


class Lease:
    """The rows of one table this worker holds.

    The lease column holds the time the lease ends; it is also the proof the row is still this
    worker's: renewing or handing back touches a row only while the column holds what this worker
    wrote there.
    """

    def __init__(self, model: Any, column: InstrumentedAttribute):
        self.model, self.column = model, column
        self.length = timedelta(seconds=current_app.config["WORKER_LEASE_SECONDS"])
        self.until: datetime | None = None
        self.held: set[int] = set()

    def take(self, due: list[ColumnElement], limit: int, *columns: InstrumentedAttribute) -> list[Row]:
        """Lease up to ``limit`` rows meeting ``due``, oldest first, and commit at once.

        Rows another worker is leasing at the same moment are skipped (SKIP LOCKED; on SQLite the
        write lock makes workers take turns). One UPDATE ... RETURNING: the id and ``columns`` of
        each leased row, oldest first. A second take (the outbox takes transactional mail, then bulk)
        adds to what is held, under the same end, so renewing and handing back reach every row.
        """
        if not self.held:
            self.until = utcnow() + self.length
        oldest = select(self.model.id).where(*due).order_by(self.model.id).limit(limit).with_for_update(skip_locked=True)
        statement = (update(self.model).where(self.model.id.in_(oldest.scalar_subquery()))
                     .values({self.column: self.until}).returning(self.model.id, *columns)
                     .execution_options(synchronize_session=False))
        leased = db.session.execute(statement).all()
        db.session.commit()
        self.held |= {row.id for row in leased}
        return sorted(leased, key=lambda row: row.id)

    def finished(self, row_id: int) -> None:
        """The row is done with (sent, applied, postponed): no longer this worker's to renew or hand back."""
        self.held.discard(row_id)

    def keep(self) -> None:
        """Between items: move the lease of what is still held ahead, once a third of it has passed."""
        if not self.held or self.until is None or self.until - utcnow() > self.length * 2 / 3:
            return
        until = utcnow() + self.length
        self._move(until)
        self.until = until

    def hand_back(self) -> None:
        """Make what is still held due at once, for any worker; if the database is down (the
        error is logged) they come due when their lease ends."""
        if not self.held:
            return
        try:
            db.session.rollback()   # the unfinished item's transaction may hold its row's lock
            self._move(utcnow())
        except SQLAlchemyError as exc:
            current_app.logger.warning("Could not hand back %d %s (%s); they come due when their lease ends",
                                       len(self.held), self.model.__tablename__, describe(exc))
            reset_session()
        self.held = set()

    def _move(self, until: datetime) -> None:
        db.session.execute(update(self.model).where(self.model.id.in_(self.held), self.column == self.until)
                           .values({self.column: until}).execution_options(synchronize_session=False))
        db.session.commit()
