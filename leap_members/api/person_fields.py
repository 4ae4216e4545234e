"""Reading a person as a client sends it (OSDI's fields), checked whole before anything is written.

Every problem is a 400 naming the field: an unknown field, a wrong type, text too long for its
column, a NUL byte, an address, state or ZIP that is not one. ``null`` is read as "not given" (a
custom field set to ``null`` is removed). The fields a client reads from a GET and may send back
unchanged (identifiers, dates, links, the membership block, employer and occupation) are accepted
and ignored: nothing here writes them.
"""
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from email_validator import EmailNotValidError
from flask import abort

from ..members.forms import normalise_email
from ..members.geography import state_code, zip_code
from ..members.models import phone_digits
from ..outreach.models import EmailStatus
from ..outreach.tags import TagRefused, clean_name
from .checks import array, has_control_character, json_object, one_line, only_fields, true_or_false

PERSON_FIELDS = ("given_name", "family_name", "email_addresses", "phone_numbers", "postal_addresses",
                 "custom_fields", "languages_spoken")
READ_ONLY = ("identifiers", "created_date", "modified_date", "_links", "leap:membership", "employer", "occupation")
TAG_FIELDS = ("add_tags", "remove_tags")
EMAIL_FIELDS = ("address", "primary", "status", "address_type")
PHONE_FIELDS = ("number", "primary", "number_type", "status")
POSTAL_FIELDS = ("locality", "region", "postal_code", "country", "address_lines", "primary", "language", "location")
MAX_CUSTOM_FIELDS = 100    # on one person, once merged
MAX_CUSTOM_NAME, MAX_CUSTOM_VALUE = 100, 2000
T = TypeVar("T")


@dataclass
class EmailGiven:
    address: str                 # normalised, as members' addresses are kept
    status: str | None           # one of EmailStatus.ALL, or None


@dataclass
class PersonChanges:
    """What the request says about a person; None is "not given", "" clears an optional field."""
    given_name: str | None = None
    family_name: str | None = None
    emails: list[EmailGiven] = field(default_factory=list)   # the primary address first
    phone: str | None = None
    city: str | None = None
    state: str | None = None
    zip_code: str | None = None
    custom_fields: dict = field(default_factory=dict)         # a None value removes the field
    add_tags: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)

    @property
    def phone_digits(self) -> str | None:
        return phone_digits(self.phone)


def read_body(body: dict) -> PersonChanges:
    """``{"person": {...}, "add_tags": [...], "remove_tags": [...]}``, or the person's fields at the top
    level with the tag lists beside them (what a client PUTs back after a GET)."""
    if "person" in body:
        only_fields(body, "", ("person", *TAG_FIELDS))
        changes = read_person(json_object(body["person"], "person"), "person.")
    else:
        changes = read_person({name: value for name, value in body.items() if name not in TAG_FIELDS}, "")
    changes.add_tags, changes.remove_tags = tag_names(body, "add_tags"), tag_names(body, "remove_tags")
    both = {name.lower() for name in changes.add_tags} & {name.lower() for name in changes.remove_tags}
    if both:
        abort(400, f"add_tags and remove_tags both name “{sorted(both)[0]}”: say which you mean.")
    return changes


def read_person(person: dict, prefix: str) -> PersonChanges:
    only_fields(person, prefix, (*PERSON_FIELDS, *READ_ONLY))
    changes = PersonChanges(given_name=_name(person, "given_name", prefix),
                            family_name=_name(person, "family_name", prefix))
    _emails(changes, _entries(person, prefix + "email_addresses", EMAIL_FIELDS))
    _phone(changes, _entries(person, prefix + "phone_numbers", PHONE_FIELDS))
    _postal(changes, _entries(person, prefix + "postal_addresses", POSTAL_FIELDS))
    changes.custom_fields = _custom_fields(person.get("custom_fields"), prefix + "custom_fields")
    for index, language in enumerate(array(person.get("languages_spoken"), prefix + "languages_spoken")):
        one_line(language, f"{prefix}languages_spoken[{index}]", 20)   # accepted; every member reads English
    return changes


def _emails(changes: PersonChanges, entries: list[tuple[str, dict]]) -> None:
    found = []
    for where, entry in entries:
        text = one_line(entry.get("address"), where + ".address", 254)
        if not text:
            abort(400, f"{where}.address is missing: give the e-mail address.")
        try:
            address = normalise_email(text)
        except EmailNotValidError as error:
            abort(400, f"{where}.address “{text[:80]}” is not a valid e-mail address ({error}).")
        status = one_line(entry.get("status"), where + ".status", 40)
        if status is not None and status not in EmailStatus.ALL:
            abort(400, f"{where}.status must be one of {', '.join(EmailStatus.ALL)}; “{status[:40]}” is not.")
        one_line(entry.get("address_type"), where + ".address_type", 40)
        found.append((_primary(entry, where), EmailGiven(address, status)))
    changes.emails = [given for _, given in sorted(found, key=lambda pair: not pair[0])]


def _phone(changes: PersonChanges, entries: list[tuple[str, dict]]) -> None:
    """We keep one number: the primary one, or the first."""
    numbers = []
    for where, entry in entries:
        number = one_line(entry.get("number"), where + ".number", 30)
        if number and not phone_digits(number):
            abort(400, f"{where}.number “{number}” has no digits: it is not a phone number.")
        for name in ("number_type", "status"):   # accepted; we send no text messages
            one_line(entry.get(name), f"{where}.{name}", 40)
        numbers.append((_primary(entry, where), number))
    chosen = _chosen(numbers)
    if chosen is not None:
        changes.phone = chosen


def _postal(changes: PersonChanges, entries: list[tuple[str, dict]]) -> None:
    """We keep one address, as a city, state and ZIP: the primary one, or the first. Street lines,
    country and location are accepted and not kept."""
    addresses = []
    for where, entry in entries:
        city = one_line(entry.get("locality"), where + ".locality", 100)
        region = one_line(entry.get("region"), where + ".region", 60)
        state = state_code(region) if region else region
        if state is None and region:
            abort(400, f"{where}.region “{region}” is not a US state or territory: give its two-letter code, e.g. IL.")
        postal_code = one_line(entry.get("postal_code"), where + ".postal_code", 20)
        zip_given = zip_code(postal_code) if postal_code else postal_code
        if zip_given is None and postal_code:
            abort(400, f"{where}.postal_code “{postal_code}” is not a ZIP code (5 digits, or ZIP+4).")
        for name, limit in (("country", 60), ("language", 20)):
            one_line(entry.get(name), f"{where}.{name}", limit)
        for index, line in enumerate(array(entry.get("address_lines"), where + ".address_lines")):
            one_line(line, f"{where}.address_lines[{index}]", 200)
        if entry.get("location") is not None:
            json_object(entry["location"], where + ".location")
        addresses.append((_primary(entry, where), (city, state, zip_given)))
    chosen = _chosen(addresses)
    if chosen is not None:
        changes.city, changes.state, changes.zip_code = chosen


def _custom_fields(value: object, where: str) -> dict:
    fields = json_object(value, where) if value is not None else {}
    if len(fields) > MAX_CUSTOM_FIELDS:
        abort(400, f"{where} has more than {MAX_CUSTOM_FIELDS} fields.")
    for name, item in fields.items():
        if not name.strip() or len(name) > MAX_CUSTOM_NAME or has_control_character(name):
            abort(400, f"{where}: the name “{name[:40]}” must be 1 to {MAX_CUSTOM_NAME} characters, "
                       "without control characters.")
        if isinstance(item, str):
            if "\x00" in item or len(item) > MAX_CUSTOM_VALUE:
                abort(400, f"{where}.{name} must be at most {MAX_CUSTOM_VALUE} characters, without NUL bytes.")
        elif isinstance(item, float) and not math.isfinite(item):
            abort(400, f"{where}.{name} must be a finite number.")
        elif item is not None and not isinstance(item, (bool, int, float)):
            abort(400, f"{where}.{name} must be a string, a number, true or false (or null to remove it).")
    return fields


def tag_names(body: dict, name: str) -> list[str]:
    """The names as tags keep them; a name no tag could have (empty, too long) is simply not found."""
    names = []
    for index, value in enumerate(array(body.get(name), name)):
        text = one_line(value, f"{name}[{index}]", 1000)
        try:
            names.append(clean_name(text or ""))
        except TagRefused:
            continue
    return names


def _entries(person: dict, name: str, fields: tuple[str, ...]) -> list[tuple[str, dict]]:
    """(where, entry) of each object of the array ``name`` (e.g. "person.email_addresses"), its fields checked."""
    found = []
    for index, entry in enumerate(array(person.get(name.rpartition(".")[2]), name)):
        where = f"{name}[{index}]"
        only_fields(json_object(entry, where), where + ".", fields)
        found.append((where, entry))
    return found


def _chosen(pairs: Sequence[tuple[bool, T]]) -> T | None:
    """The value marked primary, else the first; None for no entries."""
    return next((value for primary, value in pairs if primary), pairs[0][1] if pairs else None)


def _primary(entry: dict, where: str) -> bool:
    return bool(true_or_false(entry.get("primary"), where + ".primary"))


def _name(person: dict, name: str, prefix: str) -> str | None:
    text = one_line(person.get(name), prefix + name, 80)
    if text == "":
        abort(400, f"{prefix}{name} cannot be empty.")
    return text
