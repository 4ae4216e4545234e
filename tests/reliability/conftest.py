"""Reliability fixtures: a private PostgreSQL server that tests may stop and restart."""
from tests.support.private_postgres import postgres, private_postgres  # noqa: F401
