"""The Flask application factory: settings, plugins, database, blueprints."""
from __future__ import annotations

import logging

from flask import Flask, abort, current_app, jsonify, request, send_from_directory
from flask_babel import Babel, get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import ChoiceLoader, FileSystemLoader
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from core import mail, transfer
from core.api import api, error_response
from core.config import Settings, load_settings
from core.db import close_session, discard_session, make_engine, make_sessionmaker, retryable_error, session
from core.entities.registry import EntityRegistry
from core.errors import BadRequest, CRMError, PluginError, ServiceUnavailable, Unauthorized
from core import plugin_api
from core.i18n import PluginDomains, select_locale
from core.importexport import export_files, runs
from core.instance_files import private_dir
from core.json_provider import OrjsonProvider
from core.plugins import discover, enabled_names, load_plugins, stored_state
from core.request_guard import RawQueryStrings, refuse_bad_input, refuse_huge_path_ids
from core.runtime import Runtime
from core.security.auth import (current_user_or_none, is_bearer_request, log_token_failure, login_manager,
                                require_api_login)
from core.security.headers import add_security_headers
from core.translations import catalogue_dirs, default_order
from core.ui import ui
from core.ui.errors import error_page, internal_error_page, wants_json

log = logging.getLogger("plugcrm")
csrf = CSRFProtect()
JOB_MODULES = (mail, transfer, export_files, runs)  # the core's job types, registered when these are imported
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def create_app(settings: Settings | None = None, **overrides) -> Flask:
    settings = settings or load_settings(**overrides)
    private_dir(settings.instance_path)
    engine = make_engine(settings.database_url)
    installed = discover(settings.plugins_dir)
    plugin_set = load_plugins(installed, enabled_names(installed, settings.plugins, stored_state(engine)))
    registry = EntityRegistry.from_plugins(plugin_set.pm)

    app = Flask("core", instance_path=str(settings.instance_path), static_folder=None)
    configure(app, settings)
    app.wsgi_app = RawQueryStrings(app.wsgi_app)
    if settings.trusted_proxies:
        # the client's address and scheme as the reverse proxies in front say (off unless configured:
        # without a proxy these headers come from the client and would let it choose its address)
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    app.extensions["plugcrm"] = Runtime(settings, engine, make_sessionmaker(engine), plugin_set, registry)

    login_manager.init_app(app)
    catalogues = catalogue_dirs(plugin_set, settings.instance_path)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(default_order(catalogues))
    # One Babel per app: Flask-Babel caches the message domain and its loaded catalogues on the
    # Babel object, so apps with different plugin sets in one process (tests) must not share it.
    Babel().init_app(app, locale_selector=lambda: select_locale(current_user_or_none()),
                     timezone_selector=lambda: settings.timezone)
    PluginDomains(catalogues).install(app)
    csrf.init_app(app)
    app.jinja_env.globals["get_locale"] = get_locale
    app.teardown_appcontext(close_session)
    register_blueprints(app, plugin_set)
    app.jinja_env.globals.update(visible_records=plugin_api.visible_records, record_url=plugin_api.record_url,
                                 today=plugin_api.today, picklist_label=plugin_api.picklist_label)
    register_error_handlers(app)
    app.before_request(require_api_login)
    app.before_request(protect_state_changes)
    app.url_value_preprocessor(refuse_huge_path_ids)
    app.before_request(refuse_bad_input)
    app.after_request(log_token_failure)
    app.after_request(add_security_headers)
    return app


def configure(app: Flask, settings: Settings) -> None:
    if not settings.secret_key:
        if not settings.testing:
            raise PluginError(f"no secret key: run `plugcrm init` (instance folder {settings.instance_path})")
        settings.secret_key = "testing-only-secret"
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        PLUGCRM_LANGUAGE=settings.language,
        PLUGCRM_TIMEZONE=settings.timezone,
        PLUGCRM_CURRENCY=settings.currency,
        PLUGCRM_PHONE_REGION=settings.phone_region,
        BABEL_DEFAULT_LOCALE=settings.language,
        BABEL_DEFAULT_TIMEZONE=settings.timezone,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(settings.extra.get("secure_cookies", False)),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_CHECK_DEFAULT=False,  # checked in protect_state_changes, token-authenticated API calls excepted
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=max(settings.attachment_max_bytes, 50 * 1024 * 1024),
        JSON_SORT_KEYS=False,
    )
    app.json = OrjsonProvider(app)


def register_blueprints(app: Flask, plugin_set) -> None:
    app.register_blueprint(api)
    app.register_blueprint(ui)
    register_plugin_folders(app, plugin_set)
    plugin_blueprints: set[str] = set()
    for impl in plugin_set.pm.hook.crm_blueprints.get_hookimpls():
        for bp in impl.function() or []:
            check_blueprint(impl.plugin_name, bp)
            app.register_blueprint(bp)
            plugin_blueprints.add(bp.name)
    app.before_request(plugin_login_check(plugin_blueprints))


def register_plugin_folders(app: Flask, plugin_set) -> None:
    """Every enabled plugin's ``templates/`` and ``static/`` folders, found by convention.

    Templates are looked up after the core's and the blueprints' own (name them
    ``<plugin>/...``); static files are served at ``/static/plugins/<plugin>/<file>``
    (``url_for("plugin_static", plugin=..., filename=...)``) without login, like the core's:
    they are the plugin's code and styling, never data.
    """
    templates = [str(p) for info in plugin_set.enabled if (p := info.conventional("templates"))]
    static = {info.name: p for info in plugin_set.enabled if (p := info.conventional("static"))}
    if templates:
        app.jinja_loader = ChoiceLoader([FileSystemLoader(templates)])

    def plugin_static(plugin: str, filename: str):
        if plugin not in static:
            abort(404)
        return send_from_directory(static[plugin], filename, max_age=3600)

    app.add_url_rule("/static/plugins/<plugin>/<path:filename>", "plugin_static", plugin_static)


def plugin_login_check(blueprint_names: set[str]):
    """Plugin views need a logged-in user or an API token unless marked ``public_endpoint``.

    Plugins' blueprints sit outside the core's API blueprint, so the core guards
    them here instead of trusting every plugin to remember.
    """
    def check():
        if not blueprint_names.intersection(request.blueprints):
            return None
        view = app_view()
        if view is None or getattr(view, "plugcrm_public", False) or request.endpoint.endswith(".static"):
            return None  # a blueprint's static files are public, like /static/plugins/... (see above)
        if current_user_or_none() is not None:
            return None
        if wants_json():
            raise Unauthorized(_("Log in or send an API token (Authorization: Bearer ...)."))
        return login_manager.unauthorized()
    return check


def check_blueprint(plugin: str, bp) -> None:
    prefix = (bp.url_prefix or "").rstrip("/")
    allowed = (f"/{plugin}", f"/api/v1/{plugin}")
    if prefix not in allowed:
        raise PluginError(f"plugin {plugin!r}: blueprint {bp.name!r} has url_prefix {bp.url_prefix!r}; "
                          f"use {allowed[0]!r} or {allowed[1]!r}")


def protect_state_changes():
    """CSRF for every state-changing request made with the browser session.

    Requests with a bearer token are authenticated by the token alone (the session cookie is
    ignored, :func:`core.security.auth.current_user_or_none`), carry no ambient credentials and
    are exempt; public plugin endpoints (web forms) use their own defences.
    """
    if request.method not in STATE_CHANGING:
        return None
    view = app_view()
    if view is not None and getattr(view, "plugcrm_public", False):
        return None
    if is_bearer_request():
        return None
    csrf.protect()
    return None


def app_view():
    return current_app.view_functions.get(request.endpoint) if request.endpoint else None


def register_error_handlers(app: Flask) -> None:
    def database_unavailable(exc: Exception):
        """503 with Retry-After: the connection died mid-request (or SQLite stayed locked); nothing was kept."""
        log.warning("database unavailable on %s %s: %s", request.method, request.path, type(exc).__name__)
        discard_session()
        error = ServiceUnavailable(_("The connection to the database was lost. Try again in a moment."))
        if wants_json():
            return error_response(error)
        body, status = error_page(error)
        return body, status, {"Retry-After": str(error.retry_after_seconds)}

    @app.errorhandler(CRMError)
    def crm_error(exc: CRMError):
        session().rollback()
        if wants_json():
            return error_response(exc)
        return error_page(exc)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        error = BadRequest(_("The form expired or was sent from another site; reload the page and try again."))
        error.code = "csrf_failed"
        return crm_error(error)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if not wants_json():
            return exc
        response = jsonify({"error": {"code": exc.name.lower().replace(" ", "_"), "message": exc.description}})
        response.status_code = exc.code or 500
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if retryable_error(exc):
            return database_unavailable(exc)
        log.exception("unexpected error on %s %s", request.method, request.path)
        session().rollback()
        if not wants_json():
            return internal_error_page()
        response = jsonify({"error": {"code": "internal_error", "message": "internal error"}})
        response.status_code = 500
        return response
