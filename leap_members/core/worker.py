"""The one loop of the background workers: `flask send-mail --loop` and `flask apply-stripe-events --loop`.

A worker runs a batch, rests ``interval`` seconds, and runs the next, until it is told to stop. A
batch that fails (the database restarting, SMTP down, or anything else) is logged and tried again
after a back-off of 1, 2, 4 ... seconds, at most a minute: a worker never exits on an outage. Run
once (from cron), a failed batch ends the command with exit status 1 instead.

SIGTERM or SIGINT asks the worker to stop. Resting, it stops at once. In a batch, the batch stops
before its next item (``keep_going``) and hands back what it leased and has not finished
(core/leases.py); the item under way has GRACE seconds to finish, then it is interrupted (psycopg
cancels the statement under way) and handed back too. A second signal interrupts at once.
"""
import signal
import smtplib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db

GRACE = 5.0
MAX_BACKOFF = 60.0
# Failures told in one line (an outage says what it is); anything else is logged with its traceback.
OUTAGES = (SQLAlchemyError, OSError, smtplib.SMTPException)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)

T = TypeVar("T")


class Interrupted(KeyboardInterrupt):
    """Raised in the worker when a stop's grace is over. A KeyboardInterrupt, so that psycopg
    cancels the statement under way (as it does on Ctrl-C) and no ``except Exception`` around an
    item takes it for the item's own failure."""


class Shift:
    """A worker's run, between its start and a stop request: the signal handlers, and rests that
    a stop request cuts short."""

    def __init__(self, grace: float = GRACE):
        self.grace = grace
        self._stop = threading.Event()
        self._previous: dict[int, Any] = {}

    def keep_going(self) -> bool:
        """False once a stop was asked for: a batch checks it before each item."""
        return not self._stop.is_set()

    def rest(self, seconds: float) -> None:
        self._stop.wait(seconds)

    def __enter__(self) -> "Shift":
        if threading.current_thread() is threading.main_thread():   # only there can signals be handled
            for signum in STOP_SIGNALS:
                self._previous[signum] = signal.signal(signum, self._on_stop)
            self._previous[signal.SIGALRM] = signal.signal(signal.SIGALRM, self._on_grace_over)
        return self

    def __exit__(self, *exc_info) -> None:
        if self._previous:
            signal.setitimer(signal.ITIMER_REAL, 0)
            for signum, handler in self._previous.items():
                signal.signal(signum, handler)

    def _on_stop(self, signum, frame) -> None:
        if self._stop.is_set():
            raise Interrupted(f"stopped by a second {signal.Signals(signum).name}")
        self._stop.set()
        signal.setitimer(signal.ITIMER_REAL, self.grace)

    def _on_grace_over(self, signum, frame) -> None:
        raise Interrupted(f"the item under way did not finish within {self.grace:g} s of the stop request")


def run(batch: Callable[[Callable[[], bool]], T], *, loop: bool, interval: float, name: str) -> T | None:
    """Run ``batch(keep_going)`` once, or with ``loop`` until stopped; the last batch's result
    (None if stopped before one finished)."""
    logger = current_app.logger
    result, failures = None, 0
    with Shift() as shift:
        while shift.keep_going():
            try:
                result = batch(shift.keep_going)
            except Interrupted as stop:
                logger.warning("%s stopped: %s; what it held is handed back", name, stop)
                break
            except Exception as exc:   # noqa: BLE001 - whatever it is, the worker lives on and says so
                reset_session()
                log = logger.warning if isinstance(exc, OUTAGES) else logger.exception
                if not loop:
                    log("%s failed: %s", name, describe(exc))
                    raise SystemExit(1) from exc
                failures += 1
                delay = min(MAX_BACKOFF, 2.0 ** (failures - 1))
                log("%s: batch failed (%s); trying again in %g s", name, describe(exc), delay)
                shift.rest(delay)
                continue
            if failures:
                logger.warning("%s working again after %d failed batches", name, failures)
                failures = 0
            if not loop:
                break
            shift.rest(interval)
    return result


def describe(error: BaseException) -> str:
    """The error's class and the first line of its message (an SQLAlchemy error's first line is
    the driver's, without the statement)."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0][:300]}" if lines else type(error).__name__


def reset_session() -> None:
    """Roll back after a failure; a session whose connection is lost for good starts afresh."""
    try:
        db.session.rollback()
    except Exception:   # noqa: BLE001 - a connection lost for good: start with a new session
        db.session.remove()
