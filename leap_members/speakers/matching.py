"""Suggested speakers for a request, and the matching panel of the staff request page."""


def staff_panel(speaker_request) -> dict:
    """Context for templates/speakers/staff/_matching.html."""
    return {}
