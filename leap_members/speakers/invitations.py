"""Invitations to speakers: invite, accept, decline, book directly."""


def member_panel(member) -> dict:
    """Context for templates/speakers/_my_invitations.html on the speaker's own page."""
    return {}
