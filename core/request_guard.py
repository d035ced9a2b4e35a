"""Input every route refuses before it runs (the limits are in :mod:`core.bounds`).

* integers in the path beyond what an id column holds: 400 naming the path variable;
* NUL characters in the query string, form fields or anywhere in a JSON body: 422 naming the
  field (PostgreSQL cannot store them; SQLite would keep a string the other database refuses);
* JSON nested deeper than :data:`core.bounds.MAX_JSON_DEPTH`: 400.
"""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from core.bounds import MAX_INT, MAX_JSON_DEPTH
from core.errors import BadRequest, ValidationError


def refuse_huge_path_ids(endpoint, values) -> None:
    """``url_value_preprocessor``: an ``<int:...>`` path value past :data:`MAX_INT` names no record."""
    too_big = {name: _("At most %(n)s.", n=MAX_INT) for name, value in (values or {}).items()
               if isinstance(value, int) and value > MAX_INT}
    if too_big:
        raise BadRequest(_("Invalid path."), too_big)


def refuse_bad_input() -> None:
    """``before_request``: NUL characters anywhere, JSON nested too deeply."""
    fields = {key: _("Must not contain NUL characters.") for source in (request.args, request.form)
              for key, value in source.items(multi=True) if "\x00" in f"{key}{value or ''}"}
    if request.is_json and request.content_length != 0:
        fields.update(json_nul_fields(request.get_json(silent=True)))
    if fields:
        raise ValidationError(_("Some fields are not valid."), fields)


def json_nul_fields(data) -> dict:
    """``{path: message}`` for strings with NUL in ``data``; a 400 when it nests too deeply."""
    found: dict = {}
    stack = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise BadRequest(_("The JSON is nested more than %(n)s levels deep.", n=MAX_JSON_DEPTH))
        if isinstance(value, str):
            if "\x00" in value:
                found[path or "body"] = _("Must not contain NUL characters.")
        elif isinstance(value, dict):
            for key, item in value.items():
                name = f"{path}.{key}" if path else str(key)
                if "\x00" in key:
                    found[name] = _("Must not contain NUL characters.")
                stack.append((item, name, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}.{i}" if path else str(i), depth + 1) for i, item in enumerate(value))
    return found


class RawQueryStrings:
    """WSGI middleware: a query string sent as raw UTF-8 (``?q=서버``, as some clients do) means
    what its percent-encoded form means.

    PEP 3333 hands the raw bytes over as a latin-1 string; Werkzeug's development server
    (``plugcrm serve``) encodes them once more, so they would arrive as mojibake and match nothing.
    The bytes are recovered and their non-ASCII ones percent-encoded, which every parser reads as
    UTF-8 (bytes that are not UTF-8 become U+FFFD instead of a server error).
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        query = environ.get("QUERY_STRING", "")
        if not query.isascii():
            raw = query.encode("latin-1", "replace")
            if environ.get("SERVER_SOFTWARE", "").startswith("Werkzeug/"):
                raw = raw.decode("utf-8", "replace").encode("latin-1", "replace")  # its extra encoding undone
            environ["QUERY_STRING"] = "".join(chr(b) if b < 0x80 else f"%{b:02X}" for b in raw)
        return self.app(environ, start_response)
