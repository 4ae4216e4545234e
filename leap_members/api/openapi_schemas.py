"""The JSON Schemas of the OpenAPI document: the records the API answers with and the bodies it takes.

They are strict where a client relies on the shape: required keys, no unknown keys, dates in UTC
with ``Z``, amounts with two decimals. A request body lists the fields the API reads (an unknown one
is a 400) and those it accepts and ignores (what a client GETs and sends back unchanged).
"""
from ..advocacy.forms import COMMENT_MAX
from ..advocacy.models import ActionStatus
from ..donations.models import GiftStatus
from ..members.categories import CATEGORIES
from ..members.models import MembershipStatus
from ..outreach.models import EmailStatus
from .entry import COLLECTIONS
from .paging import MAX_PER_PAGE


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def closed(required: dict, optional: dict | None = None) -> dict:
    """An object with these keys (``required`` always present) and no others."""
    return {"type": "object", "required": list(required), "properties": {**required, **(optional or {})},
            "additionalProperties": False}


def array(items: dict, **more) -> dict:
    return {"type": "array", "items": items, **more}


STRING = {"type": "string"}
TEXT = {"type": ["string", "null"]}
BOOLEAN = {"type": "boolean"}
COUNT = {"type": "integer", "minimum": 0}
# What hal.iso() writes: UTC, milliseconds, Z.
DATE = {"type": "string", "format": "date-time", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"}
AMOUNT = {"type": "string", "pattern": r"^\d+\.\d{2}$", "description": "Dollars and cents, e.g. \"25.00\"."}
EMAIL = {"type": "string", "pattern": r"^[^@\s]+@[^@\s]+$"}
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
LINK = closed({"href": {"type": "string", "format": "uri"}}, {"title": STRING})
# A link a request names a record with: its href's last path segment is the id, whatever the host.
LINK_IN = {"type": "object", "required": ["href"], "properties": {"href": {"type": "string", "minLength": 1}}}
CURIES = array(closed({"name": {"const": "osdi"}, "href": {"type": "string"}, "templated": {"const": True}}),
               minItems=1)
NULLABLE_DATE = {"oneOf": [DATE, {"type": "null"}]}
IDENTIFIERS = {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": rf"^[a-z_]+:{UUID}$"},
               "contains": {"type": "string", "pattern": "^leap_members:"},
               "description": "leap_members:<uuid>, and the same uuid under API_EXTRA_ID_SYSTEM when that is set."}


def links(*required: str, optional: tuple[str, ...] = ()) -> dict:
    return closed({"self": LINK, **{name: LINK for name in required}}, {name: LINK for name in optional})


def resource(fields: dict, links_schema: dict, optional: dict | None = None) -> dict:
    """A record as OSDI writes it: identifiers, dates, its fields and its links."""
    return closed({"identifiers": IDENTIFIERS, "created_date": DATE, "modified_date": DATE, **fields,
                   "_links": links_schema}, optional)


def page(name: str, item: str) -> dict:
    """A page of a collection (paging.collection): totals, links, and the records under osdi:<name>."""
    key = f"osdi:{name}"
    return closed({
        "total_pages": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "page": {"type": "integer", "minimum": 1},
        "total_records": COUNT,
        "_links": closed({"self": LINK, key: array(LINK), "curies": CURIES}, {"next": LINK, "previous": LINK}),
        "_embedded": closed({key: array(ref(item))}),
    })


PERSON = resource(
    {
        "given_name": STRING,
        "family_name": STRING,
        "languages_spoken": array(STRING),
        "email_addresses": array(closed({"primary": BOOLEAN, "address": EMAIL,
                                         "status": {"enum": list(EmailStatus.ALL)}}), minItems=1),
        "phone_numbers": array(closed({"primary": BOOLEAN, "number": STRING, "number_type": STRING})),
        "postal_addresses": array(closed({"primary": BOOLEAN, "locality": TEXT, "region": TEXT,
                                          "postal_code": TEXT, "country": STRING})),
        "custom_fields": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}},
        "leap:membership": closed({
            "category": {"enum": list(CATEGORIES)},
            "status": {"enum": [status for status in MembershipStatus.ALL if status != MembershipStatus.MERGED]},
            "verified": BOOLEAN,
        }),
    },
    links("osdi:donations", "osdi:signatures", "osdi:attendances", "osdi:taggings"),
    optional={"employer": TEXT, "occupation": TEXT},
)

ENTRY_POINT = closed({
    "motd": STRING, "vendor_name": STRING, "product_name": STRING, "osdi_version": STRING,
    "max_pagesize": {"const": MAX_PER_PAGE},
    "_links": closed({"self": LINK, "curies": CURIES, "docs": LINK, "osdi:people": LINK},
                     {f"osdi:{name}": LINK for name in COLLECTIONS if name != "people"}),
})


ACTION = {   # what petitions, events and letter campaigns share (actions.action_fields)
    "title": STRING, "description": STRING, "summary": STRING, "browser_url": {"type": "string", "format": "uri"},
    "leap:status": {"enum": list(ActionStatus.LABELS)}, "leap:closes_date": NULLABLE_DATE,
    "leap:open_to": TEXT,
}
TARGET = closed({"name": STRING, "title": TEXT, "email_addresses": array(closed({"address": STRING})),
                 "postal_addresses": array(closed({"address_lines": array(STRING)}))})

DONATION = resource(
    {"amount": AMOUNT, "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}, "action_date": DATE,
     "recipients": array(closed({"display_name": STRING, "amount": AMOUNT}), minItems=1),
     "payment": closed({"method": {"enum": ["Credit Card", "Bank Debit"]}, "reference_number": TEXT}),
     "action_network:recurrence": closed({"recurring": BOOLEAN, "period": {"enum": ["Monthly", "None"]}}),
     "leap:status": {"enum": list(GiftStatus.LABELS)}, "leap:refunded_amount": AMOUNT, "leap:fee_covered": AMOUNT,
     "leap:anonymous": BOOLEAN, "leap:tribute": TEXT, "leap:receipt_number": TEXT,
     "leap:donor": closed({"given_name": STRING, "family_name": STRING, "email_address": STRING})},
    links(optional=("osdi:person",)),
)
PETITION = resource({**ACTION, "target": array({"type": "object"}), "total_signatures": COUNT,
                     "leap:goal": {"type": ["integer", "null"], "minimum": 0}},
                    links("osdi:signatures", "osdi:record_signature_helper"))
SIGNATURE = resource({"comments": TEXT}, links("osdi:petition", "osdi:person"))
EVENT = resource(
    {**ACTION, "start_date": NULLABLE_DATE, "end_date": NULLABLE_DATE, "leap:timezone": STRING,
     "status": {"enum": ["confirmed", "tentative"]}, "capacity": {"type": ["integer", "null"], "minimum": 0},
     "total_accepted": COUNT, "leap:total_waitlisted": COUNT, "leap:online": BOOLEAN, "instructions": TEXT},
    links("osdi:attendances", "osdi:record_attendance_helper"),
    optional={"location": closed({"venue": STRING})},
)
ATTENDANCE = resource(
    {"status": {"enum": ["accepted", "tentative"]}, "leap:status": {"enum": ["registered", "waitlisted"]},
     "leap:waitlist_position": {"type": ["integer", "null"], "minimum": 1}, "comments": TEXT,
     "attended": {"type": ["boolean", "null"]}, "leap:walk_in": BOOLEAN},
    links("osdi:event", "osdi:person"),
)
ADVOCACY_CAMPAIGN = resource({**ACTION, "type": {"const": "email"}, "targets": array(TARGET),
                              "total_outreaches": COUNT, "leap:letter_subject": TEXT, "leap:letter_template": TEXT},
                             links("osdi:outreaches"))
OUTREACH = resource({"type": {"const": "email"}, "subject": TEXT, "message": TEXT, "targets": array(TARGET),
                     "leap:signature": TEXT, "leap:letters_emailed": COUNT},
                    links("osdi:advocacy_campaign", "osdi:person"))
LIST = resource({"name": STRING, "title": STRING, "description": STRING,
                 "total_people": {"type": ["integer", "null"], "minimum": 0}},
                links("osdi:items"), optional={"leap:problem": STRING})
ITEM = closed({"created_date": DATE, "modified_date": DATE, "item_type": {"const": "osdi:person"},
               "_links": {**links("osdi:person", optional=("osdi:list", "osdi:query")),
                          "oneOf": [{"required": ["osdi:list"]}, {"required": ["osdi:query"]}]}})

def text_in(limit: int) -> dict:
    """A text a request may send: null reads as not given."""
    return {"type": ["string", "null"], "maxLength": limit}


ANY: dict = {}   # accepted and ignored
FLAG_IN = {"type": ["boolean", "null"]}


def entries_in(fields: dict) -> dict:
    return {"type": ["array", "null"], "maxItems": 100, "items": closed({}, fields)}


# What a client may send about a person (person_fields.read_person); the fields a GET gives and
# nothing writes (identifiers, dates, links, membership, employer, occupation) are accepted and ignored.
PERSON_IN_FIELDS = {
    "given_name": text_in(80), "family_name": text_in(80),
    "email_addresses": entries_in({"address": {**text_in(254), "format": "email"}, "primary": FLAG_IN,
                                   "address_type": text_in(40), "status": {"enum": [*EmailStatus.ALL, None]}}),
    "phone_numbers": entries_in({"number": text_in(30), "primary": FLAG_IN, "number_type": text_in(40),
                                 "status": text_in(40)}),
    "postal_addresses": entries_in({"locality": text_in(100), "region": text_in(60), "postal_code": text_in(20),
                                    "country": text_in(60), "language": text_in(20), "primary": FLAG_IN,
                                    "address_lines": {"type": ["array", "null"], "maxItems": 100,
                                                      "items": text_in(200)},
                                    "location": {"type": ["object", "null"]}}),
    "custom_fields": {"type": ["object", "null"], "maxProperties": 100,
                      "additionalProperties": {"type": ["string", "number", "boolean", "null"]}},
    "languages_spoken": {"type": ["array", "null"], "maxItems": 100, "items": text_in(20)},
    **{name: ANY for name in ("identifiers", "created_date", "modified_date", "_links", "leap:membership",
                              "employer", "occupation")},
}
TAG_NAMES_IN = {"type": ["array", "null"], "maxItems": 100, "items": text_in(1000)}
TAG_CHANGES = {"add_tags": TAG_NAMES_IN, "remove_tags": TAG_NAMES_IN}
# {"person": {...}, "add_tags": [...]} as the signup helper takes it, or the fields at the top level.
PERSON_REQUEST = {"anyOf": [closed({"person": closed({}, PERSON_IN_FIELDS)}, TAG_CHANGES),
                            closed({}, {**PERSON_IN_FIELDS, **TAG_CHANGES})]}
# Signing a petition or registering for an event (signups.take_part): the person by link, or embedded
# and matched or made as the signup helper does; add_tags go on them either way.
SIGNUP_REQUEST = closed({}, {
    "comments": text_in(COMMENT_MAX),
    "_links": {"type": "object", "properties": {"osdi:person": LINK_IN}},
    "person": closed({}, PERSON_IN_FIELDS),
    "add_tags": TAG_NAMES_IN,
    **{name: ANY for name in ("identifiers", "origin_system", "triggers", "action_network:referrer_data")},
})
TAG = resource({"name": STRING}, links("osdi:taggings"))
TAGGING = resource({"item_type": {"const": "osdi:person"}}, links("osdi:tag", "osdi:person"))
TAG_REQUEST = closed({"name": text_in(1000)}, {name: ANY for name in ("identifiers", "created_date",
                                                                      "modified_date", "_links")})
TAGGING_REQUEST = closed({"_links": {"type": "object", "required": ["osdi:person"],
                                     "properties": {"osdi:person": LINK_IN}}},
                         {name: ANY for name in ("item_type", "identifiers", "created_date", "modified_date")})

COMPONENTS: dict[str, dict] = {
    "Error": closed({"error": {"type": "string", "minLength": 1}}),
    "Link": LINK,
    "EntryPoint": ENTRY_POINT,
    "Person": PERSON,
    "Donation": DONATION,
    "Petition": PETITION,
    "Signature": SIGNATURE,
    "Event": EVENT,
    "Attendance": ATTENDANCE,
    "AdvocacyCampaign": ADVOCACY_CAMPAIGN,
    "Outreach": OUTREACH,
    "List": LIST,
    "Query": LIST,   # the same saved segments under OSDI's other name
    "Item": ITEM,
    "SignupRequest": SIGNUP_REQUEST,
    "PersonRequest": PERSON_REQUEST,
    "Tag": TAG,
    "Tagging": TAGGING,
    "TagRequest": TAG_REQUEST,
    "TaggingRequest": TAGGING_REQUEST,
    "Notice": closed({"notice": STRING}),
}
# Each collection's page, by the collection's name (its osdi:<name>), with the component of its records.
PAGES = {"people": "Person", "donations": "Donation", "petitions": "Petition", "signatures": "Signature",
         "events": "Event", "attendances": "Attendance", "advocacy_campaigns": "AdvocacyCampaign",
         "outreaches": "Outreach", "lists": "List", "queries": "Query", "items": "Item", "tags": "Tag",
         "taggings": "Tagging"}


def page_component(name: str) -> str:
    """``advocacy_campaigns`` pages are AdvocacyCampaignsPage."""
    return "".join(part.title() for part in name.split("_")) + "Page"


COMPONENTS.update({page_component(name): page(name, item) for name, item in PAGES.items()})
