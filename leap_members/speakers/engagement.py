"""After the engagement: the speaker's report and the requester's feedback."""


def staff_panel(speaker_request) -> dict:
    """Context for templates/speakers/staff/_engagement.html."""
    return {}


def member_panel(member) -> dict:
    """Context for templates/speakers/_my_engagements.html on the speaker's own page."""
    return {}


def requester_panel(speaker_request) -> dict:
    """Context for templates/speakers/_requester_feedback.html on the requester's status page."""
    return {}
