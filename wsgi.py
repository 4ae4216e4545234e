"""WSGI entry point: ``gunicorn wsgi:app``."""
from leap_members import create_app

app = create_app()
