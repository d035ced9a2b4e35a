"""``plugcrm import`` and ``plugcrm export`` (registered on the main command in :mod:`core.cli`).

Both run in the terminal without a job (the progress shows as it goes) and
act as a user (``--as EMAIL``; by default the first administrator), under
that user's rights and visibility.
"""
from __future__ import annotations

import json
from pathlib import Path

import click
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from core.cli_support import fail, make_app
from core.db import session
from core.errors import CRMError
from core.importexport import export, runs
from core.runtime import runtime
from core.security.models import User
from core.security.permissions import require_right


def acting_user(email: str | None):
    stmt = sa.select(User).where(User.active)
    stmt = stmt.where(User.email == email.strip().lower()) if email else stmt.where(User.is_admin).order_by(User.id)
    user = session().scalars(stmt).first()
    if user is None:
        fail(f"no active user {email}" if email else "no administrator; run `plugcrm init` first")
    return user


def mapping_option(raw: str | None) -> dict:
    """``--mapping`` is a JSON object, a JSON file, or the name of a saved mapping."""
    if not raw:
        return {}
    if raw.strip().startswith("{"):
        return {"mapping": json.loads(raw)}
    if Path(raw).is_file():
        return {"mapping": json.loads(Path(raw).read_text(encoding="utf-8"))}
    return {"mapping_name": raw}


@click.command("import")
@click.argument("entity_name")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--mapping", default=None, help="JSON {column: field}, a JSON file, or a saved mapping's name.")
@click.option("--on-duplicate", type=click.Choice(["skip", "update", "merge"]), default="skip", show_default=True)
@click.option("--match", default=None, help="Comma-separated fields that identify a duplicate.")
@click.option("--dry-run", is_flag=True, help="Validate and report without writing.")
@click.option("--silent", is_flag=True, help="Do not send record signals (no workflows) for imported records.")
@click.option("--encoding", default=None, help="CSV encoding (detected when not given).")
@click.option("--as", "as_email", default=None, help="Import as this user (default: the first administrator).")
def import_command(entity_name, file, mapping, on_duplicate, match, dry_run, silent, encoding, as_email):
    """Import FILE (xlsx, csv, or a plugin's format) into ENTITY."""
    app = make_app()
    with app.app_context():
        user = acting_user(as_email)
        options = {"on_duplicate": on_duplicate, "match": match, "silent": silent, "encoding": encoding,
                   **mapping_option(mapping)}
        try:
            entity = runtime().registry.get(entity_name)
            if dry_run:
                _sheet, _opts, summary = runs.dry_run(entity, user, file, Path(file).name, options)
            else:
                batch = runs.start(entity, user, file, Path(file).name, options)
                lease = runs.claim_inline(batch)
                session().commit()
                summary = runs.run(batch, user, lease, progress=lambda done, total: click.echo(
                    f"  {done:,} / {total:,} rows" if total else f"  {done:,} rows", err=True))
        except CRMError as exc:
            details = "".join(f"\n  {k}: {v}" for k, v in exc.fields.items())
            fail(exc.message + details)
        for error in summary.errors[:50]:
            reasons = "; ".join(f"{column}: {text}" for column, text in error["errors"].items())
            click.echo(f"row {error['row']}: {reasons}")
        verb = "would be " if dry_run else ""
        click.echo(f"{summary.total:,} rows: {summary.created:,} {verb}created, {summary.updated:,} {verb}updated, "
                   f"{summary.skipped:,} skipped, {summary.rejected:,} rejected"
                   + ("" if dry_run else f" (import {batch.id})"))


@click.command("export")
@click.argument("entity_name")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--filter", "filters", multiple=True, help="A list filter such as status=vip or amount__gte=1000.")
@click.option("-q", "--search", default=None, help="Full-text search.")
@click.option("--sort", default=None, help="Sort such as -amount,name.")
@click.option("--fields", default=None, help="Comma-separated columns (default: every field).")
@click.option("--format", "fmt", default=None, help="xlsx, csv or a plugin's format (default: FILE's extension).")
@click.option("--as", "as_email", default=None, help="Export as this user (default: the first administrator).")
def export_command(entity_name, file, filters, search, sort, fields, fmt, as_email):
    """Export ENTITY's records (what the user may see, filtered) to FILE."""
    app = make_app()
    fmt = (fmt or Path(file).suffix.lstrip(".") or "xlsx").lower()
    args = MultiDict([("scope", "all")])
    for item in filters:
        key, sep, value = item.partition("=")
        if not sep:
            fail(f"--filter needs FIELD=VALUE, got {item!r}")
        args.add(key.strip(), value)
    for key, value in (("q", search), ("sort", sort), ("fields", fields)):
        if value:
            args.add(key, value)
    with app.app_context():
        user = acting_user(as_email)
        try:
            entity = runtime().registry.get(entity_name)
            require_right(user, entity, "export")
            request = export.parse_request(entity, args, user, fmt)
            with open(file, "wb") as fh:
                count = export.write(entity, user, request, fh)
        except CRMError as exc:
            details = "".join(f"\n  {k}: {v}" for k, v in exc.fields.items())
            fail(exc.message + details)
    click.echo(f"Exported {count:,} {entity_name} to {file}")
