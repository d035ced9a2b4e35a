"""``plugcrm deal-alerts show|configure``: deal alerts without the UI."""
from __future__ import annotations

import json

import click


@click.group("deal-alerts")
def deal_alerts():
    """Email the team when a big deal is entered."""


@deal_alerts.command("show")
def show():
    """Print the current settings as JSON."""
    from core.cli import make_app
    from plugins.deal_alerts import services

    with make_app().app_context():
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
    from core.cli import fail, make_app
    from core.db import session
    from core.errors import ValidationError
    from plugins.deal_alerts import services

    data = {k: v for k, v in {"threshold": threshold, "entity": entity, "field": field, "subject": subject,
                              "body": body}.items() if v is not None}
    if addresses or roles or owner is not None:
        data["recipients"] = {k: v for k, v in {"addresses": list(addresses), "roles": list(roles),
                                                "owner": owner}.items() if v}
    data["active"] = not off
    with make_app().app_context():
        try:
            config = services.configure(data)
        except ValidationError as exc:
            fail(f"{exc.message} " + "; ".join(f"{k}: {v}" for k, v in exc.fields.items()))
        session().commit()
        click.echo(json.dumps(services.config_json(config), ensure_ascii=False, indent=2))
