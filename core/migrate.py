"""Schema changes through Alembic: one branch for the core, one per plugin.

The version folders of every *installed* plugin are known to Alembic (so a
disabled plugin's applied revisions still resolve); only the branches of the
core and of *enabled* plugins are upgraded.
"""
from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from core import search_index
from core.db import make_sessionmaker
from core.entities import picklists
from core.security.roles import install_default_roles
from core.errors import PluginError

CORE_DIR = Path(__file__).parent / "migrations"


def plugin_migration_dirs(plugin_set) -> dict[str, str]:
    """Each installed plugin's Alembic ``versions`` folder (hook or convention), by plugin name."""
    dirs = {}
    for name, info in plugin_set.installed.items():
        path = info.migrations_dir()
        if path:
            dirs[name] = str(path)
    return dirs


def alembic_config(runtime, connection=None, table_prefix: str | None = None, *,
                   enabled_only: bool = False) -> Config:
    """Alembic settings; ``enabled_only`` leaves out disabled plugins' branches (autogenerate needs
    the database at every head it knows, and a scratch instance migrates only the enabled ones)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(CORE_DIR))
    dirs = plugin_migration_dirs(runtime.plugins)
    if enabled_only:
        dirs = {name: path for name, path in dirs.items() if name in runtime.plugins.enabled_names}
    locations = [str(CORE_DIR / "versions")] + list(dirs.values())
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(locations))
    cfg.attributes["connection"] = connection
    cfg.attributes["table_prefix"] = table_prefix
    cfg.attributes["secret_key"] = runtime.settings.secret_key  # data migrations that seal secrets
    return cfg


def branches_to_upgrade(runtime) -> list[str]:
    dirs = plugin_migration_dirs(runtime.plugins)
    return ["core"] + [name for name in runtime.plugins.enabled_names if name in dirs]


def upgrade(runtime) -> list[str]:
    """Bring the core and every enabled plugin up to date; install picklist defaults."""
    with runtime.engine.begin() as conn:
        cfg = alembic_config(runtime, conn)
        labels = {label for rev in ScriptDirectory.from_config(cfg).walk_revisions()
                  for label in rev.branch_labels or ()}
        branches = [b for b in branches_to_upgrade(runtime) if b in labels]
        for branch in branches:
            command.upgrade(cfg, f"{branch}@head")
        ensure_search_indexes(runtime, conn)
    install_defaults(runtime)
    return branches


def ensure_search_indexes(runtime, conn) -> None:
    """Every enabled entity table gets its free-text index (see :mod:`core.search_index`)."""
    inspector = sa.inspect(conn)
    for entity in runtime.registry.entities.values():
        if inspector.has_table(entity.table_name):  # a plugin without migrations has no table to index
            search_index.ensure(conn, entity.table_name)


def install_defaults(runtime) -> None:
    with make_sessionmaker(runtime.engine)() as sess:
        picklists.install_defaults(sess, runtime.registry.picklists)
        install_default_roles(sess)
        sess.commit()


def current_heads(runtime) -> set[str]:
    with runtime.engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return set()
        return set(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())


def new_revision(runtime, plugin: str, message: str) -> str:
    """Autogenerate a revision for ``plugin`` (or ``core``) covering only its own tables."""
    dirs = plugin_migration_dirs(runtime.plugins)
    path = str(CORE_DIR / "versions") if plugin == "core" else dirs.get(plugin) or first_versions_dir(runtime, plugin)
    # (a folder made just now is found by convention by alembic_config below)
    prefix = "core_" if plugin == "core" else f"{plugin}_"
    with runtime.engine.begin() as conn:
        cfg = alembic_config(runtime, conn, table_prefix=prefix, enabled_only=True)
        script = ScriptDirectory.from_config(cfg)
        revisions = list(script.walk_revisions())
        rev_id = f"{prefix}{sum(1 for r in revisions if r.revision.startswith(prefix)) + 1:04d}"
        if any(plugin in (r.branch_labels or ()) for r in revisions):
            rev = command.revision(cfg, message, autogenerate=True, head=f"{plugin}@head", rev_id=rev_id)
        else:
            rev = command.revision(cfg, message, autogenerate=True, head="base", branch_label=plugin,
                                   version_path=path, rev_id=rev_id,
                                   depends_on=branch_dependencies(runtime, script, plugin))
    return rev.path


def first_versions_dir(runtime, plugin: str) -> str:
    """``<package>/migrations/versions`` of a plugin without migrations yet, made for its first revision."""
    folder = runtime.plugins.installed[plugin].folder
    if folder is None:
        raise PluginError(f"plugin {plugin!r} is a single module: return a versions folder from crm_migrations")
    path = folder / "migrations" / "versions"
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


def branch_dependencies(runtime, script, plugin: str) -> list[str] | None:
    """Heads a new plugin branch must follow: the core's and those of the plugins it ``depends`` on.

    A plugin's tables reference its dependencies' tables (installations -> accounts),
    so its first revision must run after theirs.
    """
    if plugin == "core":
        return None
    labels = {label for rev in script.walk_revisions() for label in rev.branch_labels or ()}
    manifest = runtime.plugins.installed[plugin].manifest
    branches = ["core"] + [dep for dep in manifest.depends if dep in labels]
    return [script.get_revisions(f"{branch}@head")[0].revision for branch in branches]
