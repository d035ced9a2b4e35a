"""What a route declares about itself for the OpenAPI document (:mod:`core.api.openapi` reads it).

Kept free of other imports so any route module can use it.
"""
from __future__ import annotations

from dataclasses import dataclass

# Placeholders for routes with <entity_name>: the schemas generated from each entity's declaration.
ENTITY, ENTITY_INPUT, ENTITY_PAGE = "entity", "entity_input", "entity_page"


@dataclass
class Operation:
    summary: str | None = None
    query: object = None
    body: object = None
    response: object = None
    status: int | None = None  # 200, or 204 for a DELETE without a response
    upload: str | None = None  # multipart/form-data with this file field
    binary: bool = False  # the answer is a file, not JSON


def operation(summary: str | None = None, *, query=None, body=None, response=None, status: int | None = None,
              upload: str | None = None, binary: bool = False):
    """Declare a route's contract for the OpenAPI document (see :mod:`core.api.openapi`)."""
    def decorate(view):
        view.plugcrm_openapi = Operation(summary, query, body, response, status, upload, binary)
        return view
    return decorate
