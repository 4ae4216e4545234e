"""What the OpenAPI document says of each operation, and the JSON Schemas of what goes in and out.

OPERATIONS is keyed by endpoint name (the view function's name) and method; openapi.py adds the
parameters of the path, the key, and the error answers every operation can give. The schemas are
strict where a client relies on the shape: required keys, no unknown keys, dates in UTC with ``Z``,
amounts with two decimals.
"""
from dataclasses import dataclass

from ..members.categories import CATEGORIES
from ..members.models import MembershipStatus
from ..outreach.models import EmailStatus
from .entry import COLLECTIONS
from .hal import HAL
from .paging import DEFAULT_PER_PAGE, MAX_PER_PAGE, Listing
from .people import PEOPLE


@dataclass(frozen=True)
class Operation:
    summary: str
    group: str                      # the OpenAPI tag the operation is listed under
    ok: str                         # the component schema of a successful answer
    status: int = 200
    answer: str = "The record, in HAL+JSON."
    body: str | None = None         # the component schema of the request body
    query: tuple[str, ...] = ()     # names in PARAMETERS
    errors: tuple[int, ...] = ()    # error answers besides those openapi.responses() adds
    description: str = ""
    media_type: str = HAL


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
CURIES = array(closed({"name": {"const": "osdi"}, "href": {"type": "string"}, "templated": {"const": True}}),
               minItems=1)
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
        "custom_fields": {"type": "object"},
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

COMPONENTS: dict[str, dict] = {
    "Error": closed({"error": {"type": "string", "minLength": 1}}),
    "Link": LINK,
    "EntryPoint": ENTRY_POINT,
    "Person": PERSON,
}
# Each collection's page, by the collection's name (its osdi:<name>), with the component of its records.
PAGES = {"people": "Person"}


def page_component(name: str) -> str:
    """``advocacy_campaigns`` pages are AdvocacyCampaignsPage."""
    return "".join(part.title() for part in name.split("_")) + "Page"


COMPONENTS.update({page_component(name): page(name, item) for name, item in PAGES.items()})

PARAMETERS: dict[str, dict] = {
    "page": {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1},
             "description": "Which page, from 1. A page past the end is an empty page."},
    "per_page": {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1},
                 "description": f"Records per page: {DEFAULT_PER_PAGE} when not given; more than "
                                f"{MAX_PER_PAGE} is read as {MAX_PER_PAGE}."},
    "after": {"name": "after", "in": "query", "schema": {"type": "string", "pattern": r"^\d+_\d+$"},
              "description": "The place a next link carries: the page starts after that record (keyset paging)."},
    "filter": {"name": "filter", "in": "query", "schema": STRING,
               "description": "OData subset: <field> gt|lt|eq '<value>', joined by and. The fields each "
                              "collection filters on are in its operation's description."},
    "background_processing": {"name": "background_processing", "in": "query", "schema": BOOLEAN,
                              "description": "Accepted for Action Network's clients; the work is done before "
                                             "the answer either way."},
}

ERROR_MESSAGES = {
    400: "The request cannot be read: a bad parameter or filter, an unknown field, a wrong type. The message names it.",
    401: "No API key in the OSDI-API-Token header, or one that is unknown or revoked.",
    403: "The API key may only read.",
    404: "No record with this id: Couldn't find <noun> with id = <id>.",
    413: "The body is over the limit (1 MB).",
    429: "Too many requests with this key (or, without one, from this address): wait and try again.",
}


def listing(collection: Listing, group: str, summary: str) -> Operation:
    """A collection's GET: its pages, and the fields its filter takes."""
    if collection.filters:
        how = "Filter on " + ", ".join(sorted(collection.filters)) + "."
        query: tuple[str, ...] = ("page", "per_page", "after", "filter")
    else:
        how, query = "This collection cannot be filtered.", ("page", "per_page", "after")
    return Operation(summary, group, page_component(collection.name),
                     answer="A page of the collection, in its stable order (modified_date, then id).",
                     query=query, description=how)


OPERATIONS: dict[str, dict[str, Operation]] = {
    "entry_point": {"get": Operation("The API entry point (AEP): the collections and where they are",
                                     "Entry point", "EntryPoint", answer="The entry point.")},
    "people": {"get": listing(PEOPLE, "People", "List people")},
    "person": {"get": Operation("Get a person", "People", "Person")},
}
