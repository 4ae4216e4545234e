"""Directory filters read from a query string and checked against whitelists.

Anything not understood is refused with a message (a 400 page), never passed on: the SQL
built from a DirectoryQuery (directory.py) only ever sees whitelisted values and bound text.
"""
import re
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select

from ..advocacy.models import Action
from ..core import registry
from ..extensions import db
from ..members.categories import CATEGORIES, category_label
from ..members.geography import US_STATES
from ..members.models import Member, MembershipStatus, Verification
from ..outreach.models import Tag, Topic

MULTI_FILTERS = ("category", "status", "verification", "state", "tag", "not_tag", "topic")
SINGLE_FILTERS = ("q", "confirmed", "email_updates", "zip", "joined_from", "joined_to", "given", "action",
                  "acted_within", "attended_within")
PAGING = ("sort", "page", "per_page", "count")
FLAG_PREFIX = "flag_"
YES_NO = {"yes": True, "no": False}

# Sort keys and their columns; each leads an index on members, so sorting 100,000 rows stays fast.
SORTS = {
    "name": (Member.last_name, Member.first_name),
    "email": (Member.email,),
    "joined": (Member.created_at,),
    "state": (Member.state, Member.zip_code),
    "category": (Member.category, Member.status),
    "verification": (Member.verification,),
}
SORT_LABELS = {"name": "Name", "email": "E-mail", "joined": "Joined", "state": "State and ZIP",
               "category": "Category", "verification": "Verification"}
DEFAULT_SORT = "name"
PER_PAGE_CHOICES = (10, 25, 50, 100, 200)
DEFAULT_PER_PAGE = 50
MAX_PAGE = 100_000
MAX_SEARCH = 200
# Ids are 32-bit integers in PostgreSQL; a longer number is simply not a row (asking the database
# would fail with "integer out of range").
MAX_ID = 2**31 - 1
# "given": ever, monthly (a monthly gift active now), or months:N (a gift in the last N months).
GIVEN_LABELS = {"ever": "at some time", "monthly": "a monthly gift, active now"}
GIVEN_MONTHS_PREFIX = "months:"
MAX_GIVEN_MONTHS = 120
MAX_ACTED_DAYS = 3650
MAX_ATTENDED_MONTHS = 120

STATUS_LABELS = {MembershipStatus.ACTIVE: "Active", MembershipStatus.LAPSED: "Lapsed",
                 MembershipStatus.SUSPENDED: "Suspended", MembershipStatus.MERGED: "Merged (duplicate)"}
VERIFICATION_LABELS = {Verification.PENDING: "Waiting for review", Verification.VERIFIED: "Verified",
                       Verification.REJECTED: "Not verified", Verification.NOT_APPLICABLE: "Not applicable"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ZIP_PREFIX = re.compile(r"^[0-9]{1,5}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class BadFilter(ValueError):
    """A directory parameter that cannot be understood; the message says which and why."""


@dataclass(frozen=True)
class DirectoryQuery:
    q: str = ""
    categories: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    verifications: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    zip_prefix: str = ""
    confirmed: bool | None = None
    email_updates: bool | None = None
    joined_from: date | None = None
    joined_to: date | None = None
    # Tags, topics and actions are named by their id, which a rename does not change (saved segments
    # keep working); the form shows their names.
    tags: tuple[int, ...] = ()         # has any of these tags
    not_tags: tuple[int, ...] = ()     # has none of these tags
    topics: tuple[int, ...] = ()       # may get bulk mail of any of these topics now (outreach/audience.py)
    given: str = ""                    # "ever", "monthly" or "months:N"
    action: int | None = None          # takes part in this action (a sign-up still active)
    acted_within: int | None = None    # signed up for any action in the last N days (still active)
    attended_within: int | None = None  # at an event that started in the last N months (advocacy/checkin.py)
    flags: tuple[tuple[str, bool], ...] = ()
    sort: str = DEFAULT_SORT
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    exact_count: bool = False   # count every match, past the directory's cap ("count=all")

    def filter_args(self) -> list[tuple[str, str]]:
        """The filters as query-string pairs (no sort or page), defaults left out."""
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for name, values in (("category", self.categories), ("status", self.statuses),
                             ("verification", self.verifications), ("state", self.states)):
            pairs.extend((name, value) for value in values)
        if self.zip_prefix:
            pairs.append(("zip", self.zip_prefix))
        for name, value in (("confirmed", self.confirmed), ("email_updates", self.email_updates)):
            if value is not None:
                pairs.append((name, "yes" if value else "no"))
        if self.joined_from:
            pairs.append(("joined_from", self.joined_from.isoformat()))
        if self.joined_to:
            pairs.append(("joined_to", self.joined_to.isoformat()))
        for name, ids in (("tag", self.tags), ("not_tag", self.not_tags), ("topic", self.topics)):
            pairs.extend((name, str(ident)) for ident in ids)
        for name, chosen in (("given", self.given), ("action", self.action), ("acted_within", self.acted_within),
                             ("attended_within", self.attended_within)):
            if chosen:
                pairs.append((name, str(chosen)))
        pairs.extend((FLAG_PREFIX + name, "yes" if value else "no") for name, value in self.flags)
        return pairs

    def given_months(self) -> int | None:
        """N of "months:N"; None for the other kinds of giving."""
        return int(self.given[len(GIVEN_MONTHS_PREFIX):]) if self.given.startswith(GIVEN_MONTHS_PREFIX) else None

    def args(self, **changes) -> list[tuple[str, str]]:
        """Filters plus sort and paging, for links that keep the current view."""
        query = replace(self, **changes)
        pairs = query.filter_args()
        if query.sort != DEFAULT_SORT:
            pairs.append(("sort", query.sort))
        if query.per_page != DEFAULT_PER_PAGE:
            pairs.append(("per_page", str(query.per_page)))
        if query.page != 1:
            pairs.append(("page", str(query.page)))
        if query.exact_count:
            pairs.append(("count", "all"))
        return pairs

    def describe(self) -> str:
        """The filters in words, for the audit log and page headings."""
        pairs = self.filter_args()
        if not pairs:
            return "all members (merged duplicates left out)"
        return "; ".join(f"{_filter_label(name)}: {_value_label(name, value)}" for name, value in pairs)

    def as_record(self) -> dict:
        """The filters as a JSON-able dict for the audit log."""
        record: dict[str, list[str]] = {}
        for name, value in self.filter_args():
            record.setdefault(name, []).append(value)
        record["sort"] = [self.sort]
        return record


def _filter_label(name: str) -> str:
    if name.startswith(FLAG_PREFIX):
        flag = registry.member_flags.get(name[len(FLAG_PREFIX):])
        return flag.label if flag else name
    return {"q": "search", "zip": "ZIP starts with", "joined_from": "joined from", "joined_to": "joined to",
            "confirmed": "e-mail confirmed", "email_updates": "consents to e-mail", "tag": "has tag",
            "not_tag": "does not have tag", "topic": "gets e-mail of", "given": "has given",
            "action": "takes part in", "acted_within": "took part in an action in the last",
            "attended_within": "attended an event in the last"}.get(name, name)


def _value_label(name: str, value: str) -> str:
    if name == "category":
        return category_label(value)
    if name == "status":
        return STATUS_LABELS.get(value, value)
    if name == "verification":
        return VERIFICATION_LABELS.get(value, value)
    if name in ("tag", "not_tag"):
        return _name_of(Tag, value, "name")
    if name == "topic":
        return _name_of(Topic, value, "name")
    if name == "action":
        return _name_of(Action, value, "title")
    if name == "given":
        months = value.removeprefix(GIVEN_MONTHS_PREFIX)
        return GIVEN_LABELS.get(value, value) if months == value else f"in the last {_plural(months, 'month')}"
    if name == "acted_within":
        return _plural(value, "day")
    if name == "attended_within":
        return _plural(value, "month")
    return value


def _plural(number: str, noun: str) -> str:
    return f"{number} {noun}{'' if number == '1' else 's'}"


def _name_of(model, ident: str, attribute: str) -> str:
    row = db.session.get(model, int(ident))
    return f"“{getattr(row, attribute)}”" if row is not None else f"#{ident} (deleted)"


def parse_query(args, ignore: tuple[str, ...] = ()) -> DirectoryQuery:
    """Read directory parameters from a MultiDict; raise BadFilter on anything not understood."""
    values: dict = {}
    flags: list[tuple[str, bool]] = []
    for name in args.keys():
        if name in ignore:
            continue
        given = args.getlist(name)
        shown = _shown(name)
        for value in given:
            if _CONTROL.search(value) or _CONTROL.search(name):
                raise BadFilter(f"The value of “{shown}” contains invisible control characters.")
        if name in MULTI_FILTERS:
            values[name] = tuple(dict.fromkeys(v.strip() for v in given if v.strip()))
            continue
        if len(given) > 1:
            raise BadFilter(f"Give “{shown}” only once.")
        value = given[0].strip()
        if name.startswith(FLAG_PREFIX):
            flag_name = name[len(FLAG_PREFIX):]
            if flag_name not in registry.member_flags:
                raise BadFilter(f"Unknown filter “{shown}”.")
            if value:
                flags.append((flag_name, bool(_yes_no(name, value))))   # a value given: yes or no
        elif name in SINGLE_FILTERS or name in PAGING:
            values[name] = value
        else:
            raise BadFilter(f"Unknown filter “{shown}”. Use the form on the directory page.")
    query = DirectoryQuery(
        q=_search(values.get("q", "")),
        categories=_choices("category", values.get("category", ()), CATEGORIES),
        statuses=_choices("status", values.get("status", ()), STATUS_LABELS),
        verifications=_choices("verification", values.get("verification", ()), VERIFICATION_LABELS),
        states=_choices("state", tuple(v.upper() for v in values.get("state", ())), US_STATES),
        zip_prefix=_zip_prefix(values.get("zip", "")),
        confirmed=_yes_no("confirmed", values.get("confirmed", "")),
        email_updates=_yes_no("email_updates", values.get("email_updates", "")),
        joined_from=_date("joined from", values.get("joined_from", "")),
        joined_to=_date("joined to", values.get("joined_to", "")),
        tags=_known_ids("tag", "tag", values.get("tag", ()), Tag),
        not_tags=_known_ids("not_tag", "tag", values.get("not_tag", ()), Tag),
        topics=_known_ids("topic", "topic", values.get("topic", ()), Topic),
        given=_given(values.get("given", "")),
        action=_known_id("action", "action", values.get("action", ""), Action),
        acted_within=_within("acted_within", values.get("acted_within", ""), MAX_ACTED_DAYS, "days", 30),
        attended_within=_within("attended_within", values.get("attended_within", ""), MAX_ATTENDED_MONTHS,
                                "months", 6),
        flags=tuple(sorted(flags)),
        sort=_sort(values.get("sort", "")),
        page=_number("page", values.get("page", ""), 1, MAX_PAGE, 1),
        per_page=_per_page(values.get("per_page", "")),
        exact_count=_exact_count(values.get("count", "")),
    )
    if query.joined_from and query.joined_to and query.joined_from > query.joined_to:
        raise BadFilter("The “joined from” date is after the “joined to” date.")
    return query


def _shown(name: str) -> str:
    return name if len(name) <= 40 else name[:40] + "…"


def _search(value: str) -> str:
    if len(value) > MAX_SEARCH:
        raise BadFilter(f"The search text is too long (at most {MAX_SEARCH} characters).")
    return " ".join(value.split())


def _choices(name: str, given: tuple[str, ...], allowed) -> tuple[str, ...]:
    for value in given:
        if value not in allowed:
            raise BadFilter(f"“{_shown(value)}” is not a known {name}.")
    return given


def _known_ids(name: str, noun: str, given: tuple[str, ...], model) -> tuple[int, ...]:
    """Ids of rows that exist (one query for all of them), in the order given."""
    for value in given:
        if _whole_number(value, 1, MAX_ID) is None:
            raise BadFilter(f"“{name}” takes {noun} numbers, like {name}=3; “{_shown(value)}” is not one.")
    ids = tuple(dict.fromkeys(int(value) for value in given))
    found = set(db.session.scalars(select(model.id).where(model.id.in_(ids)))) if ids else set()
    missing = [ident for ident in ids if ident not in found]
    if missing:
        raise BadFilter(f"There is no {noun} number {missing[0]}; it may have been deleted.")
    return ids


def _known_id(name: str, noun: str, value: str, model) -> int | None:
    return _known_ids(name, noun, (value,), model)[0] if value else None


def _within(name: str, value: str, high: int, unit: str, example: int) -> int | None:
    """A number of days or months back, from 1 to ``high``; None when not given."""
    if not value:
        return None
    number = _whole_number(value, 1, high)
    if number is None:
        raise BadFilter(f"“{name}” takes a number of {unit} from 1 to {high}, like {name}={example}.")
    return number


def _given(value: str) -> str:
    if value in ("", *GIVEN_LABELS):
        return value
    months = _whole_number(value.removeprefix(GIVEN_MONTHS_PREFIX), 1, MAX_GIVEN_MONTHS)
    if value.startswith(GIVEN_MONTHS_PREFIX) and months is not None:
        return f"{GIVEN_MONTHS_PREFIX}{months}"
    raise BadFilter(f"“given” takes ever, monthly (a monthly gift active now) or months:N (a gift in the last N "
                    f"months, N from 1 to {MAX_GIVEN_MONTHS}); “{_shown(value)}” is none of these.")


def _yes_no(name: str, value: str) -> bool | None:
    if value == "":
        return None
    if value.lower() not in YES_NO:
        raise BadFilter(f"“{_shown(name)}” must be “yes” or “no”.")
    return YES_NO[value.lower()]


def _zip_prefix(value: str) -> str:
    if value and not _ZIP_PREFIX.match(value):
        raise BadFilter("The ZIP filter takes the first 1 to 5 digits of a ZIP code, like 021.")
    return value


def _date(label: str, value: str) -> date | None:
    if not value:
        return None
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise BadFilter(f"The “{label}” date must be a real date written YYYY-MM-DD, like 2024-01-31.") from None


def _sort(value: str) -> str:
    if not value:
        return DEFAULT_SORT
    if value.lstrip("-") not in SORTS or value.startswith("--"):
        raise BadFilter(f"Members cannot be sorted by “{_shown(value)}”. "
                        f"Choose one of: {', '.join(SORTS)} (add - in front for descending).")
    return value


def _whole_number(value: str, low: int, high: int) -> int | None:
    """``value`` as a number from ``low`` to ``high``, else None: ASCII digits only, and no longer than
    ``high`` is (int() of thousands of digits raises)."""
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(high)):
        return None
    number = int(value)
    return number if low <= number <= high else None


def _number(label: str, value: str, low: int, high: int, default: int) -> int:
    if not value:
        return default
    number = _whole_number(value, low, high)
    if number is None:
        raise BadFilter(f"The {label} must be a whole number from {low} to {high}.")
    return number


def _exact_count(value: str) -> bool:
    if value not in ("", "all"):
        raise BadFilter("“count” takes one value: all (count every matching member).")
    return value == "all"


def _per_page(value: str) -> int:
    if not value:
        return DEFAULT_PER_PAGE
    number = _whole_number(value, 1, max(PER_PAGE_CHOICES))
    if number not in PER_PAGE_CHOICES:
        raise BadFilter(f"Rows per page must be one of {', '.join(map(str, PER_PAGE_CHOICES))}.")
    return number
