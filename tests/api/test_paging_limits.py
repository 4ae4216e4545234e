"""Paging parameters at their limits answer 200 or 400, never a crash (found by schemathesis)."""
from tests.support.factories import make_member


def test_a_page_number_beyond_what_the_database_counts_to_is_an_empty_page(api, app):
    make_member()
    for page in (9223372036854775807, 10**20):
        response = api.get(f"people?page={page}")
        assert response.status_code == 200 and response.get_json()["_embedded"] == {"osdi:people": []}
        assert response.get_json()["page"] == page


def test_an_after_place_no_next_link_could_give_is_a_400(api, app):
    for after in ("1_99999999999999999999", "99999999999999999999999_1", "-5_-3", "5_-1"):
        response = api.get(f"people?after={after}")
        assert response.status_code == 400, after
        assert response.get_json()["error"].startswith("after is not a place this API gave")
