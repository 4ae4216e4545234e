"""Build the benchmark data set quickly, with bulk inserts, and keep it between runs.

A marker table (bench_data_set) records the size and version of the data set a database
holds; it says "building" until the set is complete, so a half-built set is rebuilt. A database
with members and no marker holds someone's real data: the bench refuses it rather than wipe it.
Rows left by earlier runs' scenarios (sign-ups, webhook charges, exports) are removed before
every run; on PostgreSQL the tables are then vacuumed (see settle()).
"""
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import create_engine, delete, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from leap_members import create_app
from leap_members.admin.fake_data import fake_member_row, generate_members
from leap_members.admin.models import AuditEvent
from leap_members.advocacy import tally
from leap_members.advocacy.models import Action, ActionSignup, ActionTarget
from leap_members.config import normalise_database_url
from leap_members.core.database import analyze, on_sqlite
from leap_members.core.passwords import hash_password
from leap_members.core.timeutil import utcnow
from leap_members.donations.models import Donation, Fund, RecurringGift, StripeCustomer, StripeEvent
from leap_members.extensions import db
from leap_members.mail.models import OutboxMessage
from leap_members.members.models import Consent, Member, MembershipStatus, Role, Verification

from . import rows as make
from .context import app_env, flask_command

DATA_VERSION = "4"
BUILDING = "building"   # the marker while a data set is being generated
SEED = 20261128
BATCH = 5000
STAFF_EMAIL = "bench.staff@leap.example"
MEMBER_EMAIL = "bench.member@leap.example"
PASSWORD = "bench passphrase for logins"
# Members who also log in with PASSWORD, so the action list is loaded as many members: half of them
# with sign-ups on several actions, a quarter on one, a quarter on none (as the data set allows).
SESSION_MEMBERS = 240
# What scenarios add; removed before each run so every run starts from the same data set.
SIGNUP_EMAIL_PATTERN = "bench-%@example.org"
WEBHOOK_INVOICE_PREFIX = "in_benchrun_"
WEBHOOK_EVENT_PREFIX = "evt_benchrun_"


@dataclass
class DataSet:
    database_url: str
    members: int
    generated: bool
    seconds: float
    counts: dict = field(default_factory=dict)

    def describe(self) -> str:
        how = f"generated in {self.seconds:.1f} s" if self.generated else "already present (cached)"
        return f"data set of {self.members} members {how}: " + ", ".join(f"{v} {k}" for k, v in self.counts.items())


def is_sqlite(database_url: str) -> bool:
    return database_url.startswith("sqlite")


def sized_url(database_url: str, members: int, main_members: int) -> str:
    """The URL of a second data set of another size next to the main one.

    SQLite: another file. PostgreSQL: the same database, in a schema of its own.
    """
    if members == main_members:
        return database_url
    if is_sqlite(database_url):
        path = Path(database_url.split("sqlite:///", 1)[1])
        stem = path.stem.removesuffix(f"-{main_members}")
        return "sqlite:///" + str(path.with_name(f"{stem}-{members}{path.suffix}"))
    parts = urlsplit(database_url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    query.append(("options", f"-csearch_path=bench_{members}"))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _schema_of(database_url: str) -> str | None:
    for key, value in parse_qsl(urlsplit(database_url).query):
        if key == "options" and "search_path=" in value:
            return value.split("search_path=", 1)[1]
    return None


def bench_app(database_url: str):
    """The real app, configured as the benchmark serves it, for work done in-process."""
    env = app_env(database_url)
    return create_app({"APP_ENV": "production", "SECRET_KEY": env["SECRET_KEY"], "RATELIMIT_ENABLED": False,
                       "PUBLIC_URL": env["PUBLIC_URL"],
                       "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url)})


class ForeignDatabase(RuntimeError):
    """The database holds members the bench did not put there: it is never wiped."""


def _first_row(sql: str):
    """The first row of ``sql``, or None when there is none or its table does not exist yet."""
    try:
        return db.session.execute(text(sql)).first()
    except SQLAlchemyError:
        db.session.rollback()
        return None


def _set_marker(members: int, version: str, seconds: float | None) -> None:
    db.session.execute(text("CREATE TABLE IF NOT EXISTS bench_data_set "
                            "(members INTEGER NOT NULL, version VARCHAR(20) NOT NULL, seconds FLOAT)"))
    db.session.execute(text("DELETE FROM bench_data_set"))
    db.session.execute(text("INSERT INTO bench_data_set VALUES (:m, :v, :s)"),
                       {"m": members, "v": version, "s": seconds})
    db.session.commit()


def own_marker(database_url: str) -> tuple[int, str] | None:
    """The benchmark's marker (None in an empty database); refuses a database with members but no
    marker, which holds the app's own data and must not be wiped."""
    row = _first_row("SELECT members, version FROM bench_data_set")
    marker = (row[0], row[1]) if row else None
    if marker is None and _first_row("SELECT 1 FROM members LIMIT 1") is not None:
        raise ForeignDatabase(
            f"{database_url} holds members that the benchmark did not generate. The benchmark replaces "
            "everything in the database it uses: give it one of its own (a new SQLite file or an empty "
            "PostgreSQL database).")
    return marker


def _prepare_storage(database_url: str, members: int) -> None:
    """SQLite: drop a file holding another data set. PostgreSQL: create the schema if there is one."""
    if is_sqlite(database_url):
        path = Path(database_url.split("sqlite:///", 1)[1])
        if path.exists():
            app = bench_app(database_url)
            with app.app_context():
                try:
                    current = own_marker(database_url)
                finally:
                    db.session.remove()
                    db.engine.dispose()
            if current != (members, DATA_VERSION):
                for suffix in ("", "-wal", "-shm"):
                    Path(str(path) + suffix).unlink(missing_ok=True)
        return
    schema = _schema_of(database_url)
    if schema:
        base = normalise_database_url(database_url.split("?", 1)[0])
        engine = create_engine(base)
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        engine.dispose()


def ensure_data_set(database_url: str, members: int) -> DataSet:
    """Make sure the database holds the data set for ``members`` members, building it if not."""
    _prepare_storage(database_url, members)
    flask_command(database_url, "db", "upgrade")
    app = bench_app(database_url)
    with app.app_context():
        try:
            if own_marker(database_url) == (members, DATA_VERSION):
                remove_scenario_leftovers()
                db.session.commit()
                settle(built=False)
                return DataSet(database_url, members, False, 0.0, counts())
            # Marked as being built first: a run stopped half-way leaves a set the next run knows as its own.
            _set_marker(members, BUILDING, None)
            started = time.perf_counter()
            _wipe()
            generate(members)
            settle(built=True)
            seconds = time.perf_counter() - started
            _set_marker(members, DATA_VERSION, seconds)
            return DataSet(database_url, members, True, seconds, counts())
        finally:
            db.session.remove()
            db.engine.dispose()


def remove_scenario_leftovers() -> None:
    """Delete what earlier runs' scenarios added: sign-ups, webhook charges, e-mails, audit events."""
    joined = select(Member.id).where(Member.email.like(SIGNUP_EMAIL_PATTERN))
    db.session.execute(delete(Consent).where(Consent.member_id.in_(joined)))
    db.session.execute(delete(Member).where(Member.email.like(SIGNUP_EMAIL_PATTERN)))
    db.session.execute(delete(Donation).where(Donation.stripe_invoice_id.like(WEBHOOK_INVOICE_PREFIX + "%")))
    db.session.execute(delete(StripeEvent).where(StripeEvent.stripe_event_id.like(WEBHOOK_EVENT_PREFIX + "%")))
    db.session.execute(delete(OutboxMessage))
    db.session.execute(delete(AuditEvent))


def _wipe() -> None:
    if on_sqlite():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
    else:
        db.session.execute(text(f"TRUNCATE {_table_names()} RESTART IDENTITY CASCADE"))
    db.session.commit()


def _insert(table, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(table.insert(), rows[start:start + BATCH])


def _say(message: str, started: float) -> None:
    print(f"  {message} ({time.perf_counter() - started:.1f} s)", file=sys.stderr, flush=True)


def _accounts(rng: random.Random, now, password_hash: str) -> tuple[int, int]:
    """The staff account and the member account the logged-in scenarios use (known password)."""
    ids = []
    for email, role, first, last in ((STAFF_EMAIL, Role.STAFF, "Bench", "Staff"),
                                     (MEMBER_EMAIL, Role.MEMBER, "Bench", "Member")):
        row = fake_member_row(rng, 0, now)
        row.update(email=email, password_hash=password_hash, role=role, first_name=first, last_name=last,
                   category="citizen", organisation=None, role_title=None, years_of_service=None,
                   affiliation_private=False, email_confirmed_at=now, verification=Verification.NOT_APPLICABLE,
                   verified_at=None, status=MembershipStatus.ACTIVE)
        ids.append(db.session.execute(Member.__table__.insert().returning(Member.id), [row]).scalar_one()
                   if db.engine.dialect.name == "postgresql"
                   else db.session.execute(Member.__table__.insert(), [row]).inserted_primary_key[0])
    return ids[0], ids[1]


def generate(members: int) -> None:
    """Insert the data set: members, actions and sign-ups, funds, gifts one-time and monthly, Stripe events."""
    started = time.perf_counter()
    rng = random.Random(SEED)  # nosec B311: benchmark data
    now = utcnow()
    password_hash = hash_password(PASSWORD)
    staff_id, member_id = _accounts(rng, now, password_hash)
    generate_members(members - 2, seed=SEED, batch_size=BATCH)
    _say(f"{members} members", started)
    facts = make.member_facts(db.session.execute(select(
        Member.id, Member.email, Member.first_name, Member.last_name, Member.city, Member.category,
        Member.email_confirmed_at, Member.verification, Member.status).order_by(Member.id)).all())

    actions, targets = make.action_rows(1, now, staff_id, rng)
    _insert(Action.__table__, actions)
    _insert(ActionTarget.__table__, targets)
    signups = make.signup_rows(actions, facts, now, rng)
    _insert(ActionSignup.__table__, signups)
    tally.recount()
    chosen = session_members(facts, signups, random.Random(SEED + 1))  # nosec B311: benchmark data
    for start in range(0, len(chosen), BATCH):
        db.session.execute(Member.__table__.update().where(Member.id.in_(chosen[start:start + BATCH]))
                           .values(password_hash=password_hash))
    _say(f"{len(actions)} actions, {len(signups)} sign-ups, {len(chosen)} members who log in", started)

    _insert(Fund.__table__, make.fund_rows(now))
    gifts = make.gift_rows(facts, now, rng)
    _insert(RecurringGift.__table__, gifts.recurring)
    _insert(Donation.__table__, gifts.donations)
    _insert(StripeCustomer.__table__, gifts.customers)
    _insert(StripeEvent.__table__, gifts.events)
    _say(f"{len(gifts.donations)} gifts, {len(gifts.recurring)} monthly gifts, {len(gifts.events)} Stripe events",
         started)
    if db.engine.dialect.name == "postgresql":
        for table in ("actions", "donation_funds", "recurring_gifts", "donations"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT max(id) FROM {table}))"))
    db.session.commit()
    _say("committed", started)


def session_members(facts: list[make.MemberFacts], signups: list[dict], rng: random.Random) -> list[int]:
    """Active, confirmed members for the action list's sessions, most of them with sign-ups."""
    taken: dict[int, int] = {}
    for row in signups:
        taken[row["member_id"]] = taken.get(row["member_id"], 0) + 1
    eligible = [f.id for f in facts if f.active and f.confirmed and f.email not in (STAFF_EMAIL, MEMBER_EMAIL)]
    groups = ([i for i in eligible if taken.get(i, 0) >= 2], [i for i in eligible if taken.get(i, 0) == 1],
              [i for i in eligible if i not in taken])
    chosen: list[int] = []
    for group, share in zip(groups, (SESSION_MEMBERS // 2, SESSION_MEMBERS // 4, SESSION_MEMBERS // 4)):
        chosen += rng.sample(group, min(share, len(group)))
    picked = set(chosen)
    rest = [i for i in eligible if i not in picked]
    chosen += rng.sample(rest, min(SESSION_MEMBERS - len(chosen), len(rest)))
    return sorted(chosen)


def logging_in_members() -> list[tuple[str, int]]:
    """(e-mail, sign-ups) of the members who log in with PASSWORD, the bench's own accounts left out."""
    password_hash = db.session.scalar(select(Member.password_hash).where(Member.email == STAFF_EMAIL))
    signups = (select(func.count()).select_from(ActionSignup).where(ActionSignup.member_id == Member.id)
               .scalar_subquery())
    found = db.session.execute(select(Member.email, signups).where(
        Member.password_hash == password_hash, Member.role == Role.MEMBER,
        Member.email.not_in((STAFF_EMAIL, MEMBER_EMAIL))).order_by(Member.id)).all()
    db.session.rollback()
    return [(email, count) for email, count in found]


def settle(built: bool) -> None:
    """Bring the tables to the state a running database keeps them in, so that no scenario pays
    for it. PostgreSQL, after a build and after every clean-up: VACUUM (ANALYZE), as autovacuum
    would (hint bits and visibility map set, the rows removed since reclaimed); autovacuum may be
    off, or not yet have come round. SQLite keeps no planner statistics by itself: ANALYZE after a
    build, as `flask analyze-database` does (a clean-up's few hundred rows leave them current, and
    ANALYZE of 1M members takes 25 s)."""
    if not on_sqlite():
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f"VACUUM (ANALYZE) {_table_names()}"))
    elif built:
        analyze()


def _table_names() -> str:
    """The app's tables, quoted and comma-separated, for PostgreSQL's TRUNCATE and VACUUM."""
    return ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)


def counts() -> dict:
    def count(model) -> int:
        return db.session.scalar(select(func.count()).select_from(model)) or 0
    return {"members": count(Member), "actions": count(Action), "sign-ups": count(ActionSignup),
            "gifts": count(Donation), "monthly gifts": count(RecurringGift), "Stripe events": count(StripeEvent)}


def active_subscription_ids(limit: int = 2000) -> list[str]:
    """Subscriptions of live monthly gifts in the data set (the webhook scenario bills them)."""
    return list(db.session.scalars(select(RecurringGift.stripe_subscription_id)
                                   .where(RecurringGift.status == "active",
                                          RecurringGift.stripe_subscription_id.like(make.SUBSCRIPTION_PREFIX + "%"))
                                   .order_by(RecurringGift.id).limit(limit)))
