"""What the API keeps: the keys other tools present, hashed."""
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..extensions import Model


class Scope:
    READ = "read"
    WRITE = "write"          # read and write
    ALL = (READ, WRITE)
    LABELS = {READ: "Read only", WRITE: "Read and write"}


class ApiKey(Model):
    """A key another tool sends in the ``OSDI-API-Token`` header. Only its SHA-256 is kept: the key
    is 32 random bytes, so a slow password hash would add nothing but time to every request."""
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # The key's first characters, shown in the console so staff can tell keys apart.
    prefix: Mapped[str] = mapped_column(String(12))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(10), default=Scope.READ)
    # A person the signup helper creates is subscribed when the request says so, or when this is set.
    subscribe_new_people: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_label: Mapped[str] = mapped_column(String(300))
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_label: Mapped[str | None] = mapped_column(String(300))

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.WRITE

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def label(self) -> str:
        """How the audit log names a request made with this key."""
        return f"API key {self.name!r} ({self.prefix}…)"[:300]
