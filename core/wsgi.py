"""The WSGI entry point for gunicorn: ``gunicorn 'core.wsgi:app'`` (settings from the environment)."""
from core.app import create_app

app = create_app()
