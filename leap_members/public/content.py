"""The organisation's starting content, loaded by the first migration and by tests."""

DEFAULT_TIMELINE = [
    {
        "year": 2012,
        "title": "Decriminalising marijuana possession",
        "position": "LEAP's members argued that arresting people for possessing marijuana wasted "
                    "police time and ruined lives without making anyone safer, and called for "
                    "possession to be decriminalised.",
        "outcome": "In the years that followed, several states decriminalised possession or "
                   "legalised and regulated marijuana outright.",
    },
    {
        "year": 2016,
        "title": "Harm reduction for addiction",
        "position": "Speaking from what they saw on the job, members backed harm-reduction "
                    "strategies that treat addiction as a health problem rather than a crime.",
        "outcome": "Public funding for addiction treatment and harm-reduction services grew.",
    },
    {
        "year": 2020,
        "title": "Ending the war on drugs",
        "position": "LEAP called for an end to the war on drugs and for drug policy built on "
                    "public health and evidence.",
        "outcome": "The national conversation moved toward treating drug use as a public-health "
                   "issue instead of a matter for the criminal courts.",
    },
]
