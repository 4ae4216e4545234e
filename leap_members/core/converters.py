"""URL converters: an id in a URL is a whole number the database's integer columns can hold."""
from flask import Flask
from werkzeug.routing import IntegerConverter

# Ids are INTEGER columns: 32 bits on PostgreSQL, the narrower of the two databases.
LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` that matches only 0 to LARGEST_ID: a larger number is no route (404),
    not an overflow in the database driver (500)."""

    def __init__(self, map, fixed_digits=0, min=0, max=LARGEST_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register(app: Flask) -> None:
    """Make IdConverter the ``int`` converter; call before any blueprint adds its rules."""
    app.url_map.converters["int"] = IdConverter
