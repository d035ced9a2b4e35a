"""Flask's JSON, written by orjson.

A list page of twenty records is about 40 kB of JSON; the standard library's encoder spent longer
on it than SQLite spent finding the rows.  The answers are the same as Flask's default provider
gives: values orjson does not know (``Decimal``, dates, translated strings) go through Flask's own
``default``, and anything orjson refuses (an integer beyond 64 bits) falls back to the standard
encoder.  Debug-mode pretty printing also stays with the standard encoder.
"""
from __future__ import annotations

import orjson
from flask.json.provider import DefaultJSONProvider

OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME  # dates as Flask writes them


class OrjsonProvider(DefaultJSONProvider):
    ensure_ascii = False  # as orjson writes: Korean and Chinese as UTF-8, not escapes
    sort_keys = False  # as orjson writes: keys in the order the code put them

    def encode(self, obj) -> bytes | None:
        """``obj`` as compact JSON bytes, or None when only the standard encoder can write it."""
        try:
            return orjson.dumps(obj, default=self.default, option=OPTIONS)
        except orjson.JSONEncodeError:
            return None

    def dumps(self, obj, **kwargs) -> str:
        if not kwargs:
            encoded = self.encode(obj)
            if encoded is not None:
                return encoded.decode()
        return super().dumps(obj, **kwargs)

    def loads(self, s, **kwargs):
        """The standard decoder; JSON nested past the interpreter's recursion limit is invalid JSON (a 400)."""
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None

    def response(self, *args, **kwargs):
        obj = self._prepare_response_obj(args, kwargs)
        pretty = self.compact is False or (self.compact is None and self._app.debug)
        encoded = None if pretty else self.encode(obj)
        if encoded is None:
            return super().response(obj)
        return self._app.response_class(encoded + b"\n", mimetype=self.mimetype)
