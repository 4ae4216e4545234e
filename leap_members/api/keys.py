"""API keys: made once and shown once, kept hashed, revoked but never deleted (the audit log names them)."""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from ..admin.audit import record_event
from ..core.timeutil import utcnow
from ..extensions import db
from .models import ApiKey, Scope

KEY_PREFIX = "leap_"
# How often a key's last use is written: once a minute is enough to tell a live key from a dead one,
# and a client walking every page does not write on each request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class KeyRefused(ValueError):
    """The key cannot be made as asked; the message says why."""


def hash_key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_key(name: str, scope: str, created_by: str, *, subscribe_new_people: bool = False) -> tuple[ApiKey, str]:
    """A new key and its secret, which is never stored and cannot be shown again."""
    name = " ".join(name.split())
    if not name:
        raise KeyRefused("Give the key a name that says which tool uses it.")
    if len(name) > 120:
        raise KeyRefused("The name can be at most 120 characters.")
    if scope not in Scope.ALL:
        raise KeyRefused(f"The scope must be {' or '.join(Scope.ALL)}.")
    token = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name, scope=scope, prefix=token[:12], key_hash=hash_key(token),
                 subscribe_new_people=subscribe_new_people, created_by_label=created_by[:300])
    db.session.add(key)
    db.session.flush()
    return key, token


def key_for(token: str) -> ApiKey | None:
    """The key ``token`` is, revoked or not."""
    return db.session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(token)))


def all_keys() -> list[ApiKey]:
    return list(db.session.scalars(select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc())))


def revoke(key: ApiKey, by: str) -> bool:
    """Revoke the key; False if it was revoked already."""
    if key.revoked_at is not None:
        return False
    key.revoked_at = utcnow()
    key.revoked_by_label = by[:300]
    return True


def record_created(key: ApiKey) -> None:
    """The audit log's entry for a new key, from the console or the command line."""
    record_event("api-key", f"Created API key {key.name!r} ({key.prefix}…, {Scope.LABELS[key.scope].lower()})",
                 details={"api_key_id": key.id, "scope": key.scope, "subscribe_new_people": key.subscribe_new_people})


def record_revoked(key: ApiKey) -> None:
    record_event("api-key", f"Revoked API key {key.name!r} ({key.prefix}…)", details={"api_key_id": key.id})


def note_use(key: ApiKey) -> None:
    """Record that the key was used now (at most once a minute), in its own small statement."""
    now = utcnow()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        db.session.execute(update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now)
                           .execution_options(synchronize_session=False))
        db.session.commit()
