"""Plugin discovery, manifests, dependency order, enable/disable state.

Built-in plugins and third-party plugins are found the same way: the
``plugcrm.plugins`` entry-point group.  A deployment may add loose plugins from
a folder (``--plugins-dir`` / ``PLUGCRM_PLUGINS_DIR``): every sub-folder with an
``__init__.py`` is one plugin.
"""
from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import sys
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

import hooks
from core.db import Base, UTCDateTime, utcnow
from core.errors import PluginError


class PluginState(Base):
    """Which plugins a deployment has switched on (absent row: the manifest's default)."""

    __tablename__ = "core_plugin_state"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    enabled: Mapped[bool]
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


ENTRY_POINT_GROUP = "plugcrm.plugins"


@dataclass(frozen=True)
class Manifest:
    """A plugin's description, as data.

    ``depends``: plugins that must be enabled first.  ``uses``: optional
    plugins loaded first when they are enabled (glue such as "sms task for
    workflows").  ``default_enabled``: on for a new deployment.
    """

    name: str
    version: str
    label: str
    depends: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()
    description: Any = ""
    default_enabled: bool = False

    def __post_init__(self):
        object.__setattr__(self, "depends", tuple(self.depends))
        object.__setattr__(self, "uses", tuple(self.uses))
        if not self.name.isidentifier() or self.name != self.name.lower():
            raise PluginError(f"plugin name {self.name!r} must be a lower-case identifier")


@dataclass
class PluginInfo:
    manifest: Manifest
    module: ModuleType
    source: str

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def folder(self) -> Path | None:
        """The plugin package's folder (``None`` for a single-module plugin)."""
        paths = list(getattr(self.module, "__path__", []) or [])
        return Path(paths[0]) if paths else None

    def conventional(self, *parts: str) -> Path | None:
        """``<package folder>/<parts...>`` when it exists: where the core looks for a plugin's
        ``migrations/versions``, ``translations``, ``templates`` and ``static`` without a hook."""
        if self.folder is None:
            return None
        path = self.folder.joinpath(*parts)
        return path if path.is_dir() else None

    def migrations_dir(self) -> Path | None:
        """``crm_migrations()`` when the plugin implements it, else ``migrations/versions`` by convention."""
        hook = getattr(self.module, "crm_migrations", None)
        if hook is not None:
            path = hook()
            return Path(path) if path else None
        return self.conventional("migrations", "versions")

    def translations_dirs(self) -> list[Path]:
        """``crm_translation_dirs()`` when implemented, else ``translations/`` by convention."""
        hook = getattr(self.module, "crm_translation_dirs", None)
        if hook is not None:
            return [Path(d) for d in hook() or []]
        folder = self.conventional("translations")
        return [folder] if folder else []


@dataclass
class PluginSet:
    """The installed plugins and the enabled ones, in load order, with their manager."""

    installed: dict[str, PluginInfo]
    enabled: list[PluginInfo]
    pm: pluggy.PluginManager = field(repr=False)

    @property
    def enabled_names(self) -> list[str]:
        return [p.name for p in self.enabled]

    def plugin_of_module(self, module_name: str) -> str | None:
        for info in self.enabled:
            if module_name == info.module.__name__ or module_name.startswith(info.module.__name__ + "."):
                return info.name
        return None


#: How a plugin manager calls a hook's implementations when nothing monitors or traces its calls.
PLAIN_HOOKEXEC = getattr(pluggy.PluginManager("plugcrm-plain"), "_inner_hookexec", None)


class BatchHook:
    """One hook called once per record of a batch (an import's ``crm_before_save`` and ``crm_after_save``).

    Calling it is calling ``pm.hook.<name>(**kwargs)``.  When the hook has only plain implementations
    (no wrappers, not first-result, not historic) and no hook-call monitoring or tracing is installed
    (:meth:`pluggy.PluginManager.add_hookcall_monitoring`, which it checks on every call), it calls
    them itself, in pluggy's order and with the same arguments, and returns their non-``None``
    results; it skips pluggy's per-call set-up (argument checks, a copy of the implementation list, the
    wrapper machinery), about 4 µs a call, which two hooks per record make a tenth of the Python work of
    importing a lean address list.  Otherwise it goes through pluggy.  The implementations are read when
    it is made: make one per batch, not one per process.
    """

    def __init__(self, pm: pluggy.PluginManager, name: str):
        self.pm = pm
        self.caller = getattr(pm.hook, name)
        impls = self.caller.get_hookimpls()
        spec = self.caller.spec
        plain = (PLAIN_HOOKEXEC is not None and spec is not None and not self.caller.is_historic()
                 and not spec.opts.get("firstresult") and not any(i.hookwrapper or i.wrapper for i in impls))
        self.direct = [(i.function, i.argnames) for i in reversed(impls)] if plain else None
        self.needed = frozenset(a for i in impls for a in i.argnames)

    def __call__(self, **kwargs) -> list:
        if (self.direct is None or getattr(self.pm, "_inner_hookexec", None) is not PLAIN_HOOKEXEC
                or not self.needed.issubset(kwargs)):
            return self.caller(**kwargs)
        results = []
        for function, argnames in self.direct:
            result = function(*[kwargs[name] for name in argnames])
            if result is not None:
                results.append(result)
        return results


def load_module_manifest(module: ModuleType, source: str) -> PluginInfo:
    manifest = getattr(module, "manifest", None)
    if not isinstance(manifest, Manifest):
        raise PluginError(f"plugin module {module.__name__} ({source}) has no `manifest = Manifest(...)`")
    return PluginInfo(manifest, module, source)


def discover(plugins_dir: str | None = None) -> dict[str, PluginInfo]:
    """All installed plugins by name; a duplicate name is an error."""
    found: dict[str, PluginInfo] = {}

    def add(info: PluginInfo):
        if info.name in found:
            raise PluginError(f"two plugins are named {info.name!r}: {found[info.name].source} and {info.source}")
        found[info.name] = info

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            module = ep.load()
        except Exception as exc:  # a broken third-party package must not hide behind a traceback
            raise PluginError(f"cannot import plugin {ep.name!r} ({ep.value}): {exc}") from exc
        add(load_module_manifest(module, f"entry point {ep.name} = {ep.value}"))
    if plugins_dir:
        for path in sorted(Path(plugins_dir).iterdir()):
            if (path / "__init__.py").is_file():
                add(load_module_manifest(import_folder(path), f"folder {path}"))
    return found


def import_folder(path: Path) -> ModuleType:
    name = f"plugcrm_local_{path.name}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path / "__init__.py",
                                                  submodule_search_locations=[str(path)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def resolve_order(installed: dict[str, PluginInfo], wanted: list[str]) -> list[PluginInfo]:
    """Enabled plugins, dependencies first.  Missing and cyclic dependencies are errors."""
    wanted_set = set(wanted)
    for name in wanted:
        if name not in installed:
            raise PluginError(f"plugin {name!r} is enabled but not installed")
        missing = [d for d in installed[name].manifest.depends if d not in wanted_set]
        if missing:
            not_installed = [d for d in missing if d not in installed]
            detail = f" ({', '.join(not_installed)} not installed)" if not_installed else ""
            raise PluginError(f"plugin {name!r} needs {', '.join(missing)} enabled{detail}")
    ordered: list[PluginInfo] = []
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]):
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            cycle = trail[trail.index(name):] + [name]
            raise PluginError(f"plugin dependency cycle: {' -> '.join(cycle)}")
        state[name] = "visiting"
        manifest = installed[name].manifest
        for dep in manifest.depends + tuple(u for u in manifest.uses if u in wanted_set):
            visit(dep, trail + [name])
        state[name] = "done"
        ordered.append(installed[name])

    for name in sorted(wanted_set):
        visit(name, [])
    return ordered


def build_manager(ordered: list[PluginInfo]) -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hooks.PROJECT)
    pm.add_hookspecs(hooks)
    for info in ordered:
        undecorated = [n for n, v in vars(info.module).items()
                       if n.startswith("crm_") and callable(v) and not hasattr(v, "plugcrm_impl")]
        if undecorated:
            raise PluginError(f"plugin {info.name!r}: {', '.join(undecorated)} look like hooks "
                              f"but lack @hookimpl")
        pm.register(info.module, name=info.name)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"plugin {exc.plugin_name if hasattr(exc, 'plugin_name') else ''}: {exc} "
                          f"(a misspelled hook name? see hooks.py)") from exc
    return pm


def stored_state(engine: sa.Engine) -> dict[str, bool]:
    """The enable/disable choices saved in the database (empty before ``plugcrm init``)."""
    if not sa.inspect(engine).has_table("core_plugin_state"):
        return {}
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT name, enabled FROM core_plugin_state"))
        return {name: bool(enabled) for name, enabled in rows}


def enabled_names(installed: dict[str, PluginInfo], explicit: list[str] | None,
                  stored: dict[str, bool]) -> list[str]:
    if explicit is not None:
        return list(explicit)
    return [n for n, info in installed.items() if stored.get(n, info.manifest.default_enabled)]


def load_plugins(installed: dict[str, PluginInfo], wanted: list[str]) -> PluginSet:
    ordered = resolve_order(installed, wanted)
    return PluginSet(installed=installed, enabled=ordered, pm=build_manager(ordered))


def check_enable(installed: dict[str, PluginInfo], enabled: list[str], name: str) -> list[str]:
    """The enabled list after enabling ``name``; raises naming what must be enabled first."""
    if name not in installed:
        raise PluginError(f"no plugin named {name!r} is installed (installed: {', '.join(sorted(installed))})")
    missing = [d for d in installed[name].manifest.depends if d not in enabled]
    if missing:
        raise PluginError(f"cannot enable {name!r}: enable {', '.join(missing)} first")
    return sorted(set(enabled) | {name})


def check_disable(installed: dict[str, PluginInfo], enabled: list[str], name: str) -> list[str]:
    """The enabled list after disabling ``name``; refuses while enabled plugins depend on it."""
    if name not in enabled:
        raise PluginError(f"plugin {name!r} is not enabled")
    dependants = [n for n in enabled if name in installed[n].manifest.depends]
    if dependants:
        raise PluginError(f"cannot disable {name!r}: {', '.join(sorted(dependants))} depend on it")
    return [n for n in enabled if n != name]
