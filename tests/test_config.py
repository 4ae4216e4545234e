"""Configuration from the environment: safe in production, easy in development."""
import pytest

from leap_members import create_app
from leap_members.config import ConfigError, load_config, normalise_database_url


def test_production_without_a_secret_key_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        load_config(str(tmp_path))


def test_wsgi_entry_point_fails_clearly_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError):
        create_app()


def test_development_keeps_a_generated_key_across_restarts(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("APP_ENV", "development")
    first = load_config(str(tmp_path))["SECRET_KEY"]
    assert len(first) >= 32
    assert load_config(str(tmp_path))["SECRET_KEY"] == first


def test_unknown_app_env_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "staging-ish")
    with pytest.raises(ConfigError, match="APP_ENV"):
        load_config(str(tmp_path))


def test_sqlite_in_instance_is_the_default_database(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("APP_ENV", "development")
    assert load_config(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/leap_members.db"


@pytest.mark.parametrize("url", ["postgres://u@h/db", "postgresql://u@h/db", "postgresql+psycopg://u@h/db"])
def test_postgres_urls_use_psycopg3(url):
    assert normalise_database_url(url) == "postgresql+psycopg://u@h/db"


def test_production_without_a_public_url_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.delenv("SERVER_NAME", raising=False)
    with pytest.raises(ConfigError, match="PUBLIC_URL is not set"):
        load_config(str(tmp_path))


@pytest.mark.parametrize("url", ["members.leap.example", "ftp://leap.example", "https://", "https://leap.example/?a=1"])
def test_a_public_url_that_is_not_a_site_address_is_refused(monkeypatch, tmp_path, url):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("PUBLIC_URL", url)
    with pytest.raises(ConfigError, match="PUBLIC_URL must look like"):
        load_config(str(tmp_path))


def test_production_trusts_only_the_public_host_and_those_named(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("PUBLIC_URL", "https://members.leap.example/")
    monkeypatch.setenv("TRUSTED_HOSTS", "internal.leap.example")
    config = load_config(str(tmp_path))
    assert config["PUBLIC_URL"] == "https://members.leap.example"
    assert config["TRUSTED_HOSTS"] == ["members.leap.example", "internal.leap.example"]


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("PUBLIC_URL", "https://members.leap.example")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    config = load_config(str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["DEV_INBOX"] is False


def test_password_hash_parameters_meet_owasp(monkeypatch, tmp_path, app):
    from argon2 import extract_parameters

    from leap_members.core.passwords import hash_password

    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("PUBLIC_URL", "https://members.leap.example")
    config = load_config(str(tmp_path))
    assert config["ARGON2_MEMORY_KIB"] >= 19456 and config["ARGON2_TIME_COST"] >= 2
    params = extract_parameters(hash_password("any long enough password"))
    assert params.type.name == "ID"
    assert params.memory_cost >= 19456 and params.time_cost >= 2 and params.parallelism >= 1
