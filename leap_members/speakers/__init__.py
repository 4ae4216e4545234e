"""The speakers bureau: verified speakers' public profiles, requests for a speaker from anyone,
matching and booking, reports after the engagement, and figures for the board."""
from flask import Blueprint

bp = Blueprint("speakers", __name__)

from . import (  # noqa: E402,F401
    engagement_views,
    history,
    hooks,
    invitation_views,
    member_views,
    public_views,
    report_views,
    request_views,
    staff_profile_views,
    staff_request_views,
)
