"""The web UI: shell, login, workbench, generic list/detail/form pages, administration.

Plugin page templates extend ``base.html``; plugins add menu entries, workbench
widgets, record panels and related tabs through hooks (see ``hooks.py``).
Importing this package attaches every page module to :data:`ui` (defined in
:mod:`core.ui.blueprint`, which the page modules import).
"""
from __future__ import annotations

from core.ui import admin, imports, lists, mail_settings, record_pages, recycle, search, views
from core.ui.blueprint import ui

__all__ = ["ui"]
PAGE_MODULES = (admin, imports, lists, mail_settings, record_pages, recycle, search, views)
