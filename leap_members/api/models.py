"""What the API keeps: the keys other tools present, hashed; the webhook endpoints and their deliveries."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
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


class WebhookEvent:
    """What an endpoint may be sent: each new record of a kind, as the API shows it."""
    PERSON = "person"
    SIGNATURE = "signature"
    ATTENDANCE = "attendance"
    DONATION = "donation"
    ALL = (PERSON, SIGNATURE, ATTENDANCE, DONATION)
    LABELS = {PERSON: "New people", SIGNATURE: "New petition signatures",
              ATTENDANCE: "New event attendances (registered or on the waiting list)",
              DONATION: "New donations (once paid)"}
    # The key that wraps each record in the delivered array, as in Action Network's webhooks.
    OSDI_TYPES = {PERSON: "osdi:person", SIGNATURE: "osdi:signature", ATTENDANCE: "osdi:attendance",
                  DONATION: "osdi:donation"}


class WebhookEndpoint(Model):
    """An address another tool gave us, sent the new records of the kinds chosen, signed with ``secret``."""
    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list] = mapped_column(JSON, default=list)
    # Kept as is: every delivery is signed with it (HMAC), so a hash would not do. Shown once.
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_label: Mapped[str] = mapped_column(String(300))
    # While paused nothing new is queued for it, and what was queued waits.
    paused_at: Mapped[datetime | None]

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None


class WebhookDelivery(Model):
    """One record for one endpoint: the body as it will be sent, and how sending it went."""
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # The same happening goes at most once to each endpoint, however often it is noticed.
        UniqueConstraint("endpoint_id", "idempotency_key", name="uq_webhook_deliveries_endpoint_key"),
        Index("ix_webhook_deliveries_pending", "delivered_at", "failed_at", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),   # an endpoint's latest, in the console
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(20))
    record_uuid: Mapped[str] = mapped_column(String(36))
    idempotency_key: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)   # the JSON array, made when the record was committed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)   # also the worker's lease
    attempts: Mapped[int] = mapped_column(default=0)
    last_status: Mapped[int | None]   # the receiver's HTTP status; None when no answer came
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]

    @property
    def state(self) -> str:
        if self.delivered_at:
            return "delivered"
        if self.failed_at:
            return "failed"
        return "retrying" if self.attempts else "queued"
