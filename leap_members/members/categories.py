"""The membership categories and the facts each one asks for."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    description: str
    professional: bool
    organisation_label: str | None = None
    role_label: str | None = None
    asks_years: bool = False


CATEGORIES: dict[str, Category] = {c.code: c for c in (
    Category("le_current", "Law enforcement — current",
             "Serving police officers, sheriffs' deputies and federal agents.",
             True, "Agency", "Rank or role", True),
    Category("le_former", "Law enforcement — former",
             "Retired or former officers and agents.",
             True, "Last agency", "Rank or role", True),
    Category("cj_professional", "Criminal-justice professional",
             "Judges, prosecutors, defenders, corrections, probation and parole.",
             True, "Organisation", "Role", True),
    Category("policymaker", "Policymaker",
             "Elected or appointed officials and their staff.",
             True, None, "Office held", False),
    Category("citizen", "Concerned citizen",
             "Everyone else who supports the mission.",
             False),
)}

CATEGORY_CHOICES = {c.code: c.label for c in CATEGORIES.values()}
PROFESSIONAL_CODES = frozenset(code for code, c in CATEGORIES.items() if c.professional)
LAW_ENFORCEMENT_CODES = frozenset({"le_current", "le_former"})


def category_label(code: str) -> str:
    category = CATEGORIES.get(code)
    return category.label if category else code
