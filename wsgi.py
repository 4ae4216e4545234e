"""WSGI entry point: ``gunicorn wsgi:app``."""
import gc

from leap_members import create_app

app = create_app()
# The app's own objects (modules, mappers, routes) live as long as the process: kept out of the
# collector's full passes, which otherwise pause a request for 100-150 ms now and then.
gc.freeze()
