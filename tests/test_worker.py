"""The workers' one loop (core/worker.py): back-off on failure, exit status from cron, stop on SIGTERM."""
import os
import signal

import pytest
from sqlalchemy.exc import OperationalError

from leap_members.core import worker

DOWN = OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))


def test_a_failing_batch_is_tried_again_after_a_growing_back_off_and_the_worker_lives_on(app, monkeypatch, caplog):
    rests, calls = [], []
    monkeypatch.setattr(worker.Shift, "rest", lambda shift, seconds: rests.append(seconds))

    def batch(keep_going):
        calls.append(keep_going())
        if len(calls) <= 7:
            raise DOWN
        os.kill(os.getpid(), signal.SIGTERM)   # the service manager stops it
        return "done"

    assert worker.run(batch, loop=True, interval=5, name="test-worker") == "done"
    assert rests[:7] == [1, 2, 4, 8, 16, 32, 60]   # doubling, at most a minute (then the interval)
    assert all(calls)
    assert "test-worker: batch failed (OperationalError: (builtins.Exception) server closed" in caplog.text
    assert "test-worker working again after 7 failed batches" in caplog.text


def test_a_stop_request_ends_the_batch_before_its_next_item(app):
    done = []

    def batch(keep_going):
        for item in range(5):
            if not keep_going():
                break
            done.append(item)
            if item == 1:
                os.kill(os.getpid(), signal.SIGTERM)
        return len(done)

    assert worker.run(batch, loop=True, interval=5, name="test-worker") == 2
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL   # the handlers are put back


def test_run_once_from_cron_a_failed_batch_ends_with_exit_status_1(app):
    def batch(keep_going):
        raise DOWN

    with pytest.raises(SystemExit) as ended:
        worker.run(batch, loop=False, interval=5, name="test-worker")
    assert ended.value.code == 1
