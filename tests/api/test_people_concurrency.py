"""Eight clients post the same people at the same moment, against several gunicorn workers: each
person is made once, every request answers, and each gets both tags whatever order they are named in."""
import json
import random
import threading
import urllib.error
import urllib.request

import pytest

from tests.conftest import DATABASE_URL
from tests.support.database import fresh_database, query_value
from tests.support.servers import flask_command, gunicorn_app

CLIENTS = 8
EMAILS = [f"race{i}@example.org" for i in range(12)]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("api-people")
    with fresh_database(DATABASE_URL, str(tmp_path)) as url:
        with gunicorn_app(url, str(tmp_path), workers=4, RATELIMIT_ENABLED=0) as running:
            made = flask_command(running.env, "create-api-key", "--name", "Race test", "--scope", "write")
            assert made.returncode == 0, made.stderr
            running.token = made.stdout.strip().splitlines()[0]
            yield running


def call(server, method: str, path: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(f"{server.url}/api/v2/{path}", data=json.dumps(body).encode(), method=method,
                                     headers={"OSDI-API-Token": server.token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_the_same_people_posted_by_eight_clients_at_once_are_each_made_once(server):
    for name in ("Alpha", "Beta"):
        assert call(server, "POST", "tags", {"name": name})[0] == 201
    barrier = threading.Barrier(CLIENTS)
    answers: list[list[tuple[int, dict]]] = [[] for _ in range(CLIENTS)]

    def client(number: int) -> None:
        order = random.Random(number)
        emails = EMAILS[:]
        order.shuffle(emails)
        barrier.wait()
        for email in emails:
            tags = ["Alpha", "beta"] if order.random() < 0.5 else ["BETA", "alpha"]
            person = {"given_name": "Race", "family_name": f"Client{number}",
                      "email_addresses": [{"address": email.upper() if number % 2 else email}]}
            answers[number].append(call(server, "POST", "people", {"person": person, "add_tags": tags}))

    threads = [threading.Thread(target=client, args=(number,)) for number in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    statuses = [status for answered in answers for status, _ in answered]
    assert len(statuses) == CLIENTS * len(EMAILS)
    assert set(statuses) <= {200, 201}, [body for answered in answers for status, body in answered if status >= 300][:3]
    assert statuses.count(201) == len(EMAILS)
    assert "Traceback" not in server.log() and "database is locked" not in server.log(), server.log()[-3000:]
    url = server.database_url
    assert query_value(url, "SELECT count(*) FROM members WHERE email LIKE 'race%'") == len(EMAILS)
    assert query_value(url, "SELECT count(DISTINCT uuid) FROM members WHERE email LIKE 'race%'") == len(EMAILS)
    assert query_value(url, "SELECT count(*) FROM member_tags") == 2 * len(EMAILS)
    assert query_value(url, "SELECT count(*) FROM tag_changes") == 2 * len(EMAILS)
    assert query_value(url, "SELECT count(*) FROM audit_events WHERE action = 'api' AND member_id IS NOT NULL") == \
        CLIENTS * len(EMAILS)
