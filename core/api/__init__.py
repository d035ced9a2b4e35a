"""The JSON API under ``/api/v1``: generic entity endpoints, metadata, OpenAPI.

Importing this package attaches every route module to :data:`api` (defined in
:mod:`core.api.blueprint`, which the route modules import).
"""
from __future__ import annotations

from core.api import admin, logs, recycle_bin, tokens  # security routes
from core.api import attachments, jobs, mail, notes, record_extras  # jobs, mail, notes, files
from core.api import importexport  # import/export routes
from core.api import meta, records  # entity routes and metadata
from core.api.blueprint import api, error_response

__all__ = ["api", "error_response"]
ROUTE_MODULES = (meta, records, admin, logs, recycle_bin, tokens, attachments, jobs, mail, notes, record_extras,
                 importexport)
