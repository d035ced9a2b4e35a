"""``plugcrm deal-alerts show|configure``: deal alerts without the UI."""
from __future__ import annotations

import contextlib
import json

import click

from core.cli_support import fail, make_app
from core.db import session
from core.errors import ValidationError
from core.runtime import runtime

OFF_MESSAGE = ("Deal alerts are off in this deployment (the deal_alerts plugin is disabled). "
               "Turn them on with: plugcrm plugins enable deal_alerts")


@click.group("deal-alerts")
def deal_alerts():
    """Email the team when a big deal is entered."""


@contextlib.contextmanager
def deal_alerts_app():
    """An app context of this deployment; says so in words (exit 1) when the plugin is disabled."""
    with make_app().app_context():
        if "deal_alerts" not in runtime().plugins.enabled_names:
            fail(OFF_MESSAGE)
        yield


@deal_alerts.command("show")
def show():
    """Print the current settings as JSON."""
    from plugins.deal_alerts import services

    with deal_alerts_app():
        click.echo(json.dumps(services.config_json(services.current()), ensure_ascii=False, indent=2))


@deal_alerts.command("configure")
@click.option("--threshold", help="Alert when the amount is above this (e.g. 10000000).")
@click.option("--entity", help="Entity to watch (default: opportunities).")
@click.option("--field", help="Money field to watch (default: amount).")
@click.option("--to", "addresses", multiple=True, help="An email address (repeat for more).")
@click.option("--role", "roles", multiple=True, help="Everyone in this role (repeat for more).")
@click.option("--owner/--no-owner", default=None, help="Also the record's owner.")
@click.option("--subject", help="Subject template (Jinja2 merge fields: record, amount, threshold, owner).")
@click.option("--body", help="Body template.")
@click.option("--off", is_flag=True, help="Switch the alert off (settings are kept).")
def configure(threshold, entity, field, addresses, roles, owner, subject, body, off):
    """Change the settings; options not given keep their value."""
    from plugins.deal_alerts import services

    data = {k: v for k, v in {"threshold": threshold, "entity": entity, "field": field, "subject": subject,
                              "body": body}.items() if v is not None}
    if addresses or roles or owner is not None:
        data["recipients"] = {k: v for k, v in {"addresses": list(addresses), "roles": list(roles),
                                                "owner": owner}.items() if v}
    data["active"] = not off
    with deal_alerts_app():
        try:
            config = services.configure(data)
        except ValidationError as exc:
            fail(f"{exc.message} " + "; ".join(f"{k}: {v}" for k, v in exc.fields.items()))
        session().commit()
        click.echo(json.dumps(services.config_json(config), ensure_ascii=False, indent=2))
