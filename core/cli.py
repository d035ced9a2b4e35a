"""The ``plugcrm`` command."""
from __future__ import annotations

import os
from pathlib import Path

import click
import sqlalchemy as sa
from flask_babel import gettext as _

from core.cli_importexport import export_command, import_command
from core.cli_support import fail, make_app
from core.config import load_settings, write_config
from core.db import make_engine, make_sessionmaker, session
from core.demo import DEMO_PASSWORD, fill, has_records
from core.entities.reindex import reindex
from core.errors import PluginError
from core.jobs.worker import run_worker_process, start_embedded_worker
from core.log_setup import configure_logging
from core.migrate import new_revision, upgrade
from core.plugins import PluginState, check_disable, check_enable, discover, enabled_names, stored_state
from core.runtime import runtime
from core.scaffold import write_skeleton
from core.security.models import ApiToken, Role, User
from core.security.passwords import password_problem


def start_logging(app) -> None:
    """One line per event on stderr for the long-running commands (``log_level`` / ``PLUGCRM_LOG_LEVEL``)."""
    try:
        configure_logging(app.extensions["plugcrm"].settings.log_level)
    except ValueError as exc:
        fail(str(exc))


@click.group()
@click.option("--instance", envvar="PLUGCRM_INSTANCE", default="instance", show_default=True,
              help="Instance folder (config, SQLite database, attachments).")
@click.option("--plugins-dir", envvar="PLUGCRM_PLUGINS_DIR", default=None,
              help="A folder of the deployment's own loose plugins.")
@click.pass_context
def main(ctx, instance, plugins_dir):
    """plugcrm: a plugin-based CRM."""
    os.environ["PLUGCRM_INSTANCE"] = str(Path(instance).resolve())
    if plugins_dir:
        os.environ["PLUGCRM_PLUGINS_DIR"] = str(Path(plugins_dir).resolve())
    ctx.ensure_object(dict)


@main.command()
@click.option("--admin-email", default="admin@example.com", show_default=True)
@click.option("--admin-password", default=None, help="Prompted for when not given.")
@click.option("--admin-name", default="관리자", show_default=True)
@click.option("--language", type=click.Choice(["ko", "zh_Hans", "en"]), default="ko", show_default=True)
def init(admin_email, admin_password, admin_name, language):
    """Create the instance folder, config, database and the administrator."""
    instance = Path(os.environ["PLUGCRM_INSTANCE"])
    if admin_password is None:
        admin_password = click.prompt("Administrator password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(admin_password, admin_email)
    if problem:
        fail(f"the administrator password: {problem}")
    write_config(instance, language=language)
    app = make_app()
    with app.app_context():
        upgrade(runtime())
        user, created = ensure_user(admin_email, admin_password, admin_name, admin=True, language=language)
    click.echo(f"Instance ready in {instance}")
    click.echo(f"Administrator: {admin_email}" + ("" if created else " (already existed, unchanged)"))


def ensure_user(email, password, name, *, admin=False, language=None):
    email = email.strip().lower()
    user = session().scalar(sa.select(User).where(User.email == email))
    if user is not None:
        return user, False
    user = User(email=email, name=name or email.split("@")[0], is_admin=admin, language=language)
    user.set_password(password)
    session().add(user)
    session().commit()
    return user, True


@main.command()
@click.option("--language", type=click.Choice(["ko", "zh_Hans", "en"]), default="ko", show_default=True)
@click.pass_context
def demo(ctx, language):
    """Create an instance with realistic Korean demo data (admin@example.com / the password core.demo.DEMO_PASSWORD)."""
    ctx.invoke(init, admin_email="admin@example.com", admin_password=DEMO_PASSWORD, admin_name="관리자",
               language=language)
    app = make_app()
    with app.app_context():
        if has_records():
            # A second `plugcrm demo` (the README's `plugcrm demo && plugcrm serve`) must not fail.
            click.echo(_("This instance already has data (the demo data or your own); nothing was added."))
            return
        admin = session().scalar(sa.select(User).where(User.email == "admin@example.com"))
        fill(admin)
    click.echo(f"Demo data loaded. Log in as admin@example.com / {DEMO_PASSWORD}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-worker", is_flag=True, help="Do not run the embedded job worker (run `plugcrm worker` instead).")
def serve(host, port, no_worker):
    """Run the web UI and API (with an embedded job worker)."""
    app = make_app()
    start_logging(app)
    if not no_worker and app.extensions["plugcrm"].settings.embedded_worker:
        start_embedded_worker(app, app.extensions["plugcrm"].settings.job_poll_seconds)
    click.echo(f"plugcrm on http://{host}:{port}/  (Ctrl+C to stop)")
    app.run(host=host, port=port, threaded=True, use_reloader=False)


@main.command()
@click.option("--poll", default=None, type=float, help="Seconds between polls when the queue is empty.")
@click.option("--exit-when-idle", is_flag=True, help="Stop once no job is due (for cron and scripts).")
def worker(poll, exit_when_idle):
    """Run due jobs until stopped (SIGTERM/Ctrl+C finish the current job, then exit)."""
    app = make_app()
    start_logging(app)
    run_worker_process(app, poll or app.extensions["plugcrm"].settings.job_poll_seconds, exit_when_idle)


@main.group()
def db():
    """Database schema (Alembic)."""


@db.command("upgrade")
def db_upgrade():
    """Bring the core and every enabled plugin up to date."""
    app = make_app()
    with app.app_context():
        branches = upgrade(runtime())
    click.echo("Up to date: " + ", ".join(branches))


@db.command("revision")
@click.argument("plugin")
@click.option("-m", "--message", required=True)
def db_revision(plugin, message):
    """Autogenerate a migration for PLUGIN's tables (or 'core')."""
    app = make_app()
    with app.app_context():
        click.echo(new_revision(runtime(), plugin, message))


@main.group()
def search():
    """Free-text search."""


@search.command("reindex")
@click.argument("entity_name", required=False)
@click.option("--batch-size", default=2000, show_default=True, help="Rows per committed batch.")
def search_reindex(entity_name, batch_size):
    """Rewrite the search text of ENTITY's records (default: every entity) and rebuild the index.

    Needed after a plugin adds search expanders or a field becomes searchable: rows written before
    lack the new forms.
    """
    app = make_app()
    with app.app_context():
        entities = runtime().registry.entities
        if entity_name and entity_name not in entities:
            fail(f"unknown entity {entity_name!r}; one of: {', '.join(sorted(entities))}")
        for entity in [entities[entity_name]] if entity_name else entities.values():
            def show(done, total, name=entity.name):
                click.echo(f"\r{name}: {done:,} / {total:,} rows", nl=False)

            result = reindex(entity, batch_size=batch_size, progress=show)
            click.echo(f"\r{entity.name}: {result.rows:,} rows, {result.changed:,} search texts changed")


@main.group()
def plugins():
    """List, enable and disable plugins."""


def plugin_state():
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        installed = discover(settings.plugins_dir)
    except PluginError as exc:
        fail(str(exc))
    return settings, engine, installed, enabled_names(installed, settings.plugins, stored_state(engine))


@plugins.command("list")
def plugins_list():
    """Installed plugins, whether enabled, and what they depend on."""
    _settings, _engine, installed, enabled = plugin_state()
    for name in sorted(installed):
        m = installed[name].manifest
        mark = "on " if name in enabled else "off"
        deps = f"  (needs {', '.join(m.depends)})" if m.depends else ""
        click.echo(f"[{mark}] {name:<18} {m.version:<8} {m.label}{deps}")


def save_state(engine, name: str, enabled: bool):
    with make_sessionmaker(engine)() as sess:
        row = sess.get(PluginState, name) or PluginState(name=name, enabled=enabled)
        row.enabled = enabled
        sess.add(row)
        sess.commit()


@plugins.command("enable")
@click.argument("name")
def plugins_enable(name):
    """Enable NAME and migrate its tables."""
    settings, engine, installed, enabled = plugin_state()
    if settings.plugins is not None:
        fail("PLUGCRM_PLUGINS fixes the plugin list for this deployment; change it there")
    try:
        check_enable(installed, enabled, name)
    except PluginError as exc:
        fail(str(exc))
    save_state(engine, name, True)
    app = make_app()
    with app.app_context():
        upgrade(runtime())
    click.echo(f"Enabled {name}. Restart `plugcrm serve` to load it.")


@plugins.command("disable")
@click.argument("name")
def plugins_disable(name):
    """Disable NAME (its data stays in the database)."""
    settings, engine, installed, enabled = plugin_state()
    if settings.plugins is not None:
        fail("PLUGCRM_PLUGINS fixes the plugin list for this deployment; change it there")
    try:
        check_disable(installed, enabled, name)
    except PluginError as exc:
        fail(str(exc))
    save_state(engine, name, False)
    click.echo(f"Disabled {name}. Its data is kept. Restart `plugcrm serve` to unload it.")


@main.group()
def users():
    """Users and API tokens."""


@users.command("create")
@click.argument("email")
@click.option("--password", required=True)
@click.option("--name", default=None)
@click.option("--admin", is_flag=True)
@click.option("--role", default=None, help="Role name (see the roles API).")
def users_create(email, password, name, admin, role):
    """Create a user."""
    problem = password_problem(password, email)
    if problem:
        fail(f"the password: {problem}")
    app = make_app()
    with app.app_context():
        user, created = ensure_user(email, password, name, admin=admin)
        if not created:
            fail(f"a user with the email {email} already exists")
        if role:
            role_row = session().scalar(sa.select(Role).where(Role.name == role))
            if role_row is None:
                fail(f"no role named {role!r}")
            user.role_id = role_row.id
            session().commit()
    click.echo(f"Created {email}")


@users.command("token")
@click.argument("email")
@click.option("--name", default="cli")
def users_token(email, name):
    """Print a new API token for EMAIL (and nothing else)."""
    app = make_app()
    with app.app_context():
        user = session().scalar(sa.select(User).where(User.email == email.strip().lower()))
        if user is None:
            fail(f"no user with the email {email}")
        token = ApiToken.issue(session(), user, name)
        session().commit()
    click.echo(token)


main.add_command(import_command)
main.add_command(export_command)


def add_plugin_commands():
    """Plugins' commands appear as ``plugcrm <command>`` (collected lazily, without a database)."""
    try:
        installed = discover(os.environ.get("PLUGCRM_PLUGINS_DIR"))
    except PluginError:
        return
    for info in installed.values():
        hook = getattr(info.module, "crm_cli_commands", None)
        for command in (hook() if hook else None) or []:
            if command.name not in main.commands:
                main.add_command(command)


add_plugin_commands()


@main.command("new-plugin")
@click.argument("name")
@click.option("--dir", "parent", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Folder in which the package folder NAME is written.")
def new_plugin(name, parent):
    """Write a working plugin package NAME (entity, migration, translations, tests) to start from."""
    try:
        root = write_skeleton(name, Path(parent))
    except PluginError as exc:
        fail(str(exc))
    click.echo(f"Wrote {root}\nNext: pip install -e {root} && plugcrm plugins enable {name} "
               f"&& (cd {root} && pytest)")
