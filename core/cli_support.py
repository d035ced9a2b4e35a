"""What every ``plugcrm`` command shares (the core's and the plugins'): an error exit and the app."""
from __future__ import annotations

import sys

import click

from core.app import create_app
from core.config import load_settings
from core.errors import PluginError


def fail(message: str):
    """Print ``Error: message`` on stderr and exit with status 1."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def make_app(**overrides):
    """The application from the settings (file, environment, ``overrides``); a plugin problem is an error exit."""
    try:
        return create_app(load_settings(**overrides))
    except PluginError as exc:
        fail(str(exc))
