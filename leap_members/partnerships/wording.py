"""Words the document needs: numbers spelled out, and the name of each jurisdiction's law."""
from ..members.geography import US_STATES

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
         "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()

# Jurisdictions whose formal name is not "the State of ...".
_FORMAL_NAMES = {
    "KY": "the Commonwealth of Kentucky", "MA": "the Commonwealth of Massachusetts",
    "PA": "the Commonwealth of Pennsylvania", "VA": "the Commonwealth of Virginia",
    "DC": "the District of Columbia", "PR": "the Commonwealth of Puerto Rico",
    "MP": "the Commonwealth of the Northern Mariana Islands", "GU": "Guam",
    "VI": "the United States Virgin Islands", "AS": "American Samoa",
}


def number_in_words(number: int) -> str:
    """0–999 in English words: 90 -> "ninety", 365 -> "three hundred sixty-five"."""
    if not 0 <= number <= 999:
        raise ValueError(f"{number} is outside 0–999")
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(number, 100)
    return f"{_ONES[hundreds]} hundred" + (f" {number_in_words(rest)}" if rest else "")


def counted(number: int, unit: str) -> str:
    """ "three (3) years", "one (1) year" — the way contracts state a period."""
    return f"{number_in_words(number)} ({number}) {unit}{'' if number == 1 else 's'}"


def jurisdiction(code: str) -> str:
    """ "the State of California", "the Commonwealth of Virginia", "the District of Columbia"."""
    return _FORMAL_NAMES.get(code) or f"the State of {US_STATES[code]}"
