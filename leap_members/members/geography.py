"""US states and territories, and ZIP code checks."""
import re

US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "AS": "American Samoa", "GU": "Guam", "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico", "VI": "U.S. Virgin Islands",
}

STATE_CHOICES = {"": "Choose a state", **dict(sorted(US_STATES.items(), key=lambda pair: pair[1]))}

ZIP_PATTERN = re.compile(r"^[0-9]{5}(-[0-9]{4})?$")
STATE_BY_NAME = {name.lower(): code for code, name in US_STATES.items()}


def state_code(value: str) -> str | None:
    """The two-letter code of a state or territory given by its code or its name, any case; None if it is neither."""
    return value.upper() if value.upper() in US_STATES else STATE_BY_NAME.get(value.lower())


def zip_code(value: str) -> str | None:
    """A ZIP code as kept (5 digits, or ZIP+4); None if ``value`` is not one. Three or four digits get
    back the leading zeros spreadsheets drop from New England ZIPs."""
    if not value.isascii():
        return None
    if re.fullmatch(r"[0-9]{3,4}", value):
        value = value.zfill(5)
    return value if ZIP_PATTERN.match(value) else None
