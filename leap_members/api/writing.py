"""One transaction per write: committed whole, or, when the request is refused on the way, nothing."""
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.exceptions import HTTPException

from ..extensions import db


@contextmanager
def one_transaction() -> Iterator[None]:
    """``with one_transaction(): ...`` commits what the block wrote; an abort() inside it rolls it all back."""
    try:
        yield
    except HTTPException:
        db.session.rollback()
        raise
    db.session.commit()
