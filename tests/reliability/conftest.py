"""Reliability fixtures: a private PostgreSQL server and a private Redis that tests may stop and restart."""
from tests.support.private_postgres import postgres, private_postgres  # noqa: F401
from tests.support.redis_server import private_redis  # noqa: F401
