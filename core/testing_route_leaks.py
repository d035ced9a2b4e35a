"""The route-leak check, shipped for plugin authors: every route called by people who must not get the data.

``check_route_leaks(app, plugin="my_plugin")`` in a plugin's own test runs it on that plugin's
routes (its entities' API and pages, ``/<plugin>/...`` and ``/api/v1/<plugin>/...``);
``tests/test_route_leaks.py`` runs it on every route of the default plugins.

The routes come from ``app.url_map``, so a route added tomorrow is covered without touching a
test.  A sales rep owns records in every entity (text fields carry a marker, and each gets a
note); then each route is called with every method it accepts, ids substituted with those
records' ids:

* anonymously: 401 (API) or the login page (pages) unless the view is marked public;
* by a user without a role (no rights at all): never the marker, never a successful write;
* by a peer in the same role (rights, but not the owner): never the marker of a private record,
  never a successful write to one;
* as the owner, with a marker planted by an administrator in every field hidden from the owner
  (field-level security): no response carries it.

Afterwards nothing the callers sent was stored and the records are unchanged.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from werkzeug.routing.converters import NumberConverter

from core.db import session
from core.runtime import runtime
from core.security.fields import hidden_fields
from core.security.models import User
from core.testing import ApiClient, make_user

MARK = "leakmark"
PUBLIC_MARK = "sharedmark"
WRITE_MARK = "writemark"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Self-service routes a user may use on their own account whatever their rights.
OWN_ACCOUNT_ENDPOINTS = {"api.issue_token", "api.list_tokens", "api.revoke_token"}


class Seeded:
    """The app, an administrator, the records' owner (a sales rep) and one record per entity.

    ``plugin`` narrows the routes checked to that plugin's (see :meth:`in_scope`); ``None``: all.
    """

    def __init__(self, app, plugin: str | None = None):
        self.app = app
        self.plugin = plugin
        self.admin = ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])
        self.owner_id, token = make_user(app, "owner@example.com", role="sales")
        self.owner = ApiClient(app.test_client(), token)
        self.ids: dict[str, int] = {}
        self.versions: dict[str, int] = {}
        self.private: set[str] = set()
        # ids of things that are not records (a workflow, ...) by the route parameter that names them
        self.ids_extra: dict[str, int] = {}
        self.restricted = {s["entity"] for s in self.admin.get("/api/v1/sharing").json["data"]
                           if s["owned"] and s["sharing"] == "private"}
        self.meta = {e["name"]: self.admin.get(f"/api/v1/meta/entities/{e['name']}").json
                     for e in self.admin.get("/api/v1/meta/entities").json["data"]}

    def in_scope(self, url: str) -> bool:
        """Is ``url`` one of the plugin's routes: its entities' API and pages, ``/<plugin>/...``,
        ``/api/v1/<plugin>/...`` (every route when no plugin was named)?"""
        if self.plugin is None:
            return True
        path = url.split("?")[0]
        if path.startswith((f"/{self.plugin}/", f"/api/v1/{self.plugin}/")) or path in (
                f"/{self.plugin}", f"/api/v1/{self.plugin}"):
            return True
        own = {name for name, meta in self.meta.items() if meta.get("plugin") == self.plugin}
        return bool(own & set(path.split("/")))

    def seed(self) -> None:
        pending = list(self.meta)
        for _round in range(len(pending)):  # references need their targets first
            for name in list(pending):
                if self.create(name):
                    pending.remove(name)
        # a later record may change an earlier one (a sales order wins its opportunity): compare from here
        self.versions = {name: self.admin.get(f"/api/v1/{name}/{rid}").json["version"] for name, rid in self.ids.items()}

    def create(self, name: str) -> bool:
        meta = self.meta[name]
        mark = MARK if name in self.restricted else PUBLIC_MARK
        values = {}
        for f in meta["fields"]:
            if f["readonly"] or f["name"] in ("id", "owner_id", "number"):
                continue
            value = sample(f, mark, self.ids, self.owner_id)
            if value is None and f["required"]:
                return False
            if value is not None:
                values[f["name"]] = value
        required = {f["name"] for f in meta["fields"] if f["required"]}
        response = self.owner.post(f"/api/v1/{name}", json=values)
        while response.status_code == 422:  # drop optional values a plugin's own rules refuse
            refused = set(response.json["error"].get("fields", {})) & set(values)
            if not refused or refused & required:
                return False
            values = {k: v for k, v in values.items() if k not in refused}
            response = self.owner.post(f"/api/v1/{name}", json=values)
        if response.status_code != 201:
            return False
        self.ids[name] = response.json["id"]
        self.versions[name] = response.json["version"]
        if name in self.restricted:
            self.private.add(name)
        self.owner.post(f"/api/v1/{name}/{self.ids[name]}/notes", json={"body": f"{mark} note"})
        return True


def sample(f: dict, mark: str, ids: dict, owner_id: int):
    """A value for field ``f`` carrying ``mark`` where it can (None: no value we can make)."""
    kind = f["type"]
    if kind in ("text", "longtext"):
        return f"{mark} {f['name']}"[: f.get("max_length") or 200]
    if kind == "email":
        return f"{mark}@example.com"
    if kind == "url":
        return f"https://{mark}.example.com"
    if kind == "phone":
        return "010-1234-5678"
    if kind == "picklist":
        return f["values"][0]["value"] if f.get("values") else None
    if kind == "multipicklist":
        return [f["values"][0]["value"]] if f.get("values") else []
    if kind == "reference":
        return ids.get(f.get("target"))
    if kind == "user":
        return owner_id
    if kind in ("integer",):
        return 1
    if kind in ("decimal", "money", "percent"):
        return "1"
    if kind == "boolean":
        return False  # flags such as "discontinued" would keep children (line items) from being made
    if kind == "date":
        return dt.date.today().isoformat()
    if kind == "datetime":
        return dt.datetime.now(dt.timezone.utc).isoformat()
    return None


def api_calls(seeded: Seeded):
    """``(endpoint, method, url)`` for every method of every /api/v1 rule, with real ids filled in."""
    app = seeded.app
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        for method in sorted(set(rule.methods or ()) & set(METHODS)):
            for values in substitutions(rule, seeded):
                url = rule.build(values, append_unknown=False)[1]
                if seeded.in_scope(url):
                    yield rule.endpoint, method, url


def substitutions(rule, seeded: Seeded):
    names = sorted(rule.arguments)
    entity_choices = list(seeded.ids) if "entity_name" in names else [None]
    for entity in entity_choices:
        values = {}
        for name in names:
            if name == "entity_name":
                values[name] = entity
            elif isinstance(rule._converters[name], NumberConverter):
                values[name] = id_for(name, entity, seeded)
            else:
                values[name] = {"field_name": "name", "format": "csv"}.get(name, "x")
        yield values


def id_for(param: str, entity: str | None, seeded: Seeded) -> int:
    """The id of a seeded record the parameter most likely names (``account_id`` -> accounts)."""
    if param == "record_id" and entity:
        return seeded.ids[entity]
    if param in seeded.ids_extra:
        return seeded.ids_extra[param]
    stem = param.removesuffix("_id")
    for name, record_id in seeded.ids.items():
        if name.startswith(stem[:-1] if len(stem) > 3 else stem):
            return record_id
    return 1


def body_text(response) -> str:
    data = response.get_data()
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            data = b"".join(zf.read(n) for n in zf.namelist())
    text = data.decode("utf-8", "ignore") + data.decode("utf-16-le", "ignore")
    return text.lower()


def call(api: ApiClient | None, app, method: str, url: str):
    body = {"name": WRITE_MARK, "body": WRITE_MARK, "label": WRITE_MARK}
    if api is None:
        return app.test_client().open(url, method=method, json=body)
    return api._call(method, url, json=body)


def entity_of(url: str, seeded: Seeded) -> str | None:
    parts = url.split("?")[0].split("/")
    for part in parts[3:]:
        if part in seeded.ids:
            return part
    return None


def targets_record(url: str, seeded: Seeded) -> bool:
    """Does ``url`` name one of the seeded records (``.../<entity>/<its id>/...``)?"""
    parts = url.split("?")[0].split("/")
    return any(a in seeded.ids and b == str(seeded.ids[a]) for a, b in zip(parts, parts[1:]))


def assert_nothing_changed(seeded: Seeded) -> None:
    for name, record_id in seeded.ids.items():
        record = seeded.admin.get(f"/api/v1/{name}/{record_id}")
        assert record.status_code == 200, (name, record.json)
        assert record.json["version"] == seeded.versions[name], name
        assert record.json.get("owner_id", seeded.owner_id) == seeded.owner_id, name
        found = seeded.admin.get(f"/api/v1/{name}", query_string={"q": WRITE_MARK})
        assert found.status_code != 200 or found.json["data"] == [], name
    audit = seeded.admin.get("/api/v1/audit?per_page=200").json["data"]
    assert not [e for e in audit if re.search(WRITE_MARK, str(e["changes"]))]


def page_calls(seeded: Seeded):
    """``(endpoint, url)`` for every GET page route (not the API, not static files), ids filled in."""
    for rule in seeded.app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or "GET" not in (rule.methods or ()) or rule.endpoint.endswith("static"):
            continue
        for values in substitutions(rule, seeded):
            url = rule.build(values, append_unknown=False)[1]
            if seeded.in_scope(url):
                yield rule.endpoint, url


def session_client(app, email: str, password: str = "password123"):
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


# --- the hidden-fields dimension ------------------------------------------------
#
# Field-level security (``core.security.fields``): a user who may see a record
# may still not see some of its fields (a sales rep and product cost).  An
# administrator plants a marker value in every field hidden from the records'
# owner, for every entity of the registry (so a plugin's new hidden field is
# covered without touching this file); then every GET route, API and page, is
# called as that owner, plus each report, the search and both export formats,
# and no response may carry a marker.

HIDDEN_NUMBER = 739157
HIDDEN_TEXT = "hiddenmark"
HIDDEN_SHOWN = (str(HIDDEN_NUMBER), f"{HIDDEN_NUMBER:,}", HIDDEN_TEXT)


def hidden_marker(f: dict):
    """The value planted in hidden field ``f`` (None: a type we do not plant)."""
    if f["type"] in ("integer", "decimal", "money"):
        return HIDDEN_NUMBER
    if f["type"] in ("text", "longtext"):
        return HIDDEN_TEXT
    if f["type"] == "email":
        return f"{HIDDEN_TEXT}@example.com"
    return None


def owner_hidden_fields(seeded: Seeded) -> dict[str, frozenset[str]]:
    """``{entity: hidden field names}`` for the records' owner, from the one field-visibility function."""
    with seeded.app.app_context():
        owner = session().get(User, seeded.owner_id)
        return {e.name: hidden_fields(e, owner) for e in runtime().registry.entities.values()}


def plant_hidden_values(seeded: Seeded) -> None:
    """The administrator writes a marker into every writable hidden field of every seeded record."""
    for name, hidden in owner_hidden_fields(seeded).items():
        if name not in seeded.ids or not hidden:
            continue
        for f in seeded.meta[name]["fields"]:
            value = hidden_marker(f) if f["name"] in hidden and not f["readonly"] else None
            if value is not None:
                url = f"/api/v1/{name}/{seeded.ids[name]}"
                response = seeded.admin.patch(url, json={f["name"]: value})
                assert response.status_code == 200, (url, f["name"], response.json)


def hidden_field_urls(seeded: Seeded):
    """Every GET /api/v1 URL with ids filled in, plus each report, searches and exports in both formats."""
    yield from (url for _endpoint, method, url in api_calls(seeded) if method == "GET")
    for name, record_id in seeded.ids.items():
        if not seeded.in_scope(f"/api/v1/{name}"):
            continue
        yield f"/api/v1/{name}?q={MARK}&per_page=200"
        yield f"/api/v1/{name}?id={record_id}"
        for fmt in ("csv", "xlsx"):
            yield f"/api/v1/exports/{name}?format={fmt}"


def shown_hidden(response) -> bool:
    text = body_text(response)
    return any(marker in text for marker in HIDDEN_SHOWN)



def anonymous_problems(seeded: Seeded) -> list:
    """Anonymous calls to every API route in scope: 401 unless public, never the marker."""
    problems = []
    for endpoint, method, url in api_calls(seeded):
        view = seeded.app.view_functions[endpoint]
        response = call(None, seeded.app, method, url)
        if MARK in body_text(response):
            problems.append((method, url, response.status_code, "marker leaked"))
        if getattr(view, "plugcrm_public", False) or endpoint == "api.openapi":
            continue
        if response.status_code != 401:
            problems.append((method, url, response.status_code))
    return problems


def rightless_problems(seeded: Seeded, who: str) -> tuple[list, int]:
    """``who`` is ``"no_role"`` (no rights at all) or ``"peer"`` (same role, not the owner): no
    private marker, no server error, no write accepted.  Returns the problems and the calls made."""
    app = seeded.app
    role = None if who == "no_role" else "sales"
    api = ApiClient(app.test_client(), make_user(app, f"{who}@example.com", role=role)[1])
    calls = list(api_calls(seeded))
    problems = []
    for endpoint, method, url in calls:
        entity = entity_of(url, seeded)
        if who == "peer" and entity is not None and entity not in seeded.private:
            continue  # a peer may legitimately read and change shared records
        if who == "peer" and method != "GET" and not targets_record(url, seeded):
            continue  # creating records of their own is what a peer's rights are for
        response = call(api, app, method, url)
        if MARK in body_text(response):
            problems.append((method, url, response.status_code, "marker leaked"))
        if response.status_code >= 500:
            problems.append((method, url, response.status_code, "server error"))
        if method != "GET" and 200 <= response.status_code < 300 and endpoint not in OWN_ACCOUNT_ENDPOINTS:
            problems.append((method, url, response.status_code, "write accepted"))
    return problems, len(calls)


def page_problems(seeded: Seeded) -> tuple[list, int]:
    """Every GET page in scope: anonymous visitors go to the login page, a same-role colleague sees
    no private marker and no server error.  Returns the problems and the pages visited."""
    app = seeded.app
    make_user(app, "page-peer@example.com", role="sales")
    peer = session_client(app, "page-peer@example.com")
    problems, pages = [], list(page_calls(seeded))
    for endpoint, url in pages:
        view = app.view_functions[endpoint]
        anonymous = app.test_client().get(url)
        public = getattr(view, "plugcrm_public", False) or endpoint == "ui.login"
        if not public and not (anonymous.status_code in (302, 401) and
                               (anonymous.status_code == 401 or "/login" in anonymous.headers.get("Location", ""))):
            problems.append(("anonymous", url, anonymous.status_code))
        if MARK in body_text(anonymous):
            problems.append(("anonymous", url, "marker leaked"))
        entity = entity_of(url, seeded)
        if entity is not None and entity not in seeded.private:
            continue
        response = peer.get(url)
        if MARK in body_text(response):
            problems.append(("peer", url, response.status_code, "marker leaked"))
        if response.status_code >= 500:
            problems.append(("peer", url, response.status_code, "server error"))
    return problems, len(pages)


def hidden_field_problems(seeded: Seeded, extra_urls=()) -> tuple[list, int]:
    """As the records' owner, after an administrator planted markers in the fields hidden from them:
    no API response, page, search or export in scope shows one.  Returns the problems and calls."""
    plant_hidden_values(seeded)
    hidden = owner_hidden_fields(seeded)
    for name, fields in hidden.items():  # every hidden field is exercised: its value is there for the admin
        if fields and seeded.in_scope(f"/api/v1/{name}"):
            assert name in seeded.ids, f"no {name} record could be made to check its hidden fields {fields}"
            assert shown_hidden(seeded.admin.get(f"/api/v1/{name}/{seeded.ids[name]}")), (name, fields)
    problems, calls = [], 0
    for url in [*hidden_field_urls(seeded), *extra_urls]:
        calls += 1
        response = seeded.owner.get(url)
        if shown_hidden(response):
            problems.append((url, response.status_code, "hidden value"))
        if response.status_code >= 500:
            problems.append((url, response.status_code, "server error"))
    client = session_client(seeded.app, "owner@example.com")
    for _endpoint, url in page_calls(seeded):
        calls += 1
        response = client.get(url)
        if shown_hidden(response):
            problems.append(("page", url, response.status_code, "hidden value"))
    return problems, calls


def check_route_leaks(app, plugin: str | None = None) -> Seeded:
    """Run every dimension of the check on ``plugin``'s routes (all routes without it) and fail with
    the list of problems.  ``app`` is a fresh app from ``crm_app_factory``; the seeded data is
    returned for further assertions."""
    seeded = Seeded(app, plugin)
    seeded.seed()
    own = [name for name, meta in seeded.meta.items() if plugin is None or meta.get("plugin") == plugin]
    assert set(own) <= set(seeded.ids), f"no record could be made for {sorted(set(own) - set(seeded.ids))}"
    problems = anonymous_problems(seeded)
    for who in ("no_role", "peer"):
        problems += rightless_problems(seeded, who)[0]
    problems += page_problems(seeded)[0]
    assert problems == [], "\n".join(map(str, problems))
    assert_nothing_changed(seeded)
    problems = hidden_field_problems(seeded)[0]  # plants values: after the unchanged check
    assert problems == [], "\n".join(map(str, problems))
    return seeded
