"""A request's status moves only along the allowed paths, and only one speaker can book it."""
import pytest

from leap_members.speakers.history import request_steps
from leap_members.speakers.lifecycle import MoveRefused, book, move
from leap_members.speakers.models import RequestStatus
from tests.speakers.factories import make_request, make_speaker


def test_the_first_booking_wins_and_the_second_is_refused(app):
    request = make_request()
    first, second = make_speaker(), make_speaker()
    assert book(request, first, "Booked the first speaker.", actor_label="test") is True
    assert book(request, second, "Booked the second speaker.", actor_label="test") is False
    assert request.status == RequestStatus.BOOKED and request.booked_profile_id == first.id
    assert [step.kind for step in request_steps(request)] == ["booked"]


def test_a_closed_request_cannot_move_again(app):
    request = make_request()
    move(request, RequestStatus.NO_SPEAKER, "Nobody free that week.", reason="nobody free", actor_label="test")
    assert request.closed_at is not None and request.closed_reason == "nobody free"
    with pytest.raises(MoveRefused, match="no speaker available"):
        move(request, RequestStatus.CANCELLED, "Cancelled.", actor_label="test")
