"""The API entry point (OSDI's AEP): what is here, and where."""
from flask import current_app

from . import bp
from .hal import href, respond
from .paging import CURIES, MAX_PER_PAGE
from .routing import api_route

# Every collection the entry point links to, with the title OSDI gives it.
COLLECTIONS = {
    "people": "The collection of people in the system",
    "tags": "The collection of tags in the system",
    "donations": "The collection of donations in the system",
    "petitions": "The collection of petitions in the system",
    "events": "The collection of events in the system",
    "advocacy_campaigns": "The collection of advocacy campaigns (letters to officials) in the system",
    "lists": "The collection of lists (saved segments) in the system",
    "queries": "The collection of queries (saved segments) in the system",
}


@api_route(bp, "/")
def entry_point():
    links = {"self": {"href": href("")}, "curies": CURIES,
             "docs": {"href": href("openapi.json"), "title": "OpenAPI 3.1 description of this API"}}
    for name, title in COLLECTIONS.items():
        if f"api.{name}" in current_app.view_functions:   # the collection's list view is named after it
            links[f"osdi:{name}"] = {"href": href(name), "title": title}
    return respond({"motd": "Welcome to the LEAP Members API, an Action Network compatible OSDI v2 API.",
                    "vendor_name": "Law Enforcement Action Partnership", "product_name": "LEAP Members",
                    "osdi_version": "1.1.1", "max_pagesize": MAX_PER_PAGE, "_links": links})
