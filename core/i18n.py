"""Languages, time zone and label choice.

Translations go through Flask-Babel; catalogues live in ``core/translations``
and in each plugin's ``translations/`` folder (or the folders ``crm_translation_dirs`` returns).

Each plugin has its own domain (:class:`PluginDomains`): its templates (those under
``templates/<plugin>/``) and :func:`plugin_gettext` read the plugin's catalogue first, then the
core's.  The default domain (the core's code and templates) reads the core's catalogue over every
plugin's.  So a plugin never changes what a core string says (the opportunities' "From" = "이전
단계" in its stage history cannot relabel the user-handover form's "보내는 사람"), and two plugins
never change each other's strings on their own pages.
"""
from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from flask import current_app, has_request_context, request
from flask_babel import Domain, get_locale, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_context

from core import clock

LANGUAGES = ("ko", "zh_Hans", "en")
LANGUAGE_NAMES = {"ko": "한국어", "zh_Hans": "简体中文", "en": "English"}
ALIASES = {"zh": "zh_Hans", "zh-hans": "zh_Hans", "zh_hans": "zh_Hans", "zh-cn": "zh_Hans",
           "zh_cn": "zh_Hans", "ko-kr": "ko", "ko_kr": "ko", "en-us": "en", "en_us": "en"}


def normalise_language(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip()
    if code in LANGUAGES:
        return code
    return ALIASES.get(code.lower())


def select_locale(user=None) -> Locale:
    """Flask-Babel's locale selector: :func:`choose_language` as a babel ``Locale``.

    The app factory passes the request's user (security sits above this module and is not imported here).

    Parsed once per language: parsing asks the disk whether the locale's data file exists.
    """
    return babel_locale(choose_language(user))


@cache
def babel_locale(code: str) -> Locale:
    return Locale.parse(code)


def choose_language(user=None) -> str:
    """``user``'s choice, else the request's Accept-Language (API), else the deployment's language."""
    if user is not None and normalise_language(user.language):
        return normalise_language(user.language)
    if has_request_context():
        chosen = normalise_language(request.args.get("lang"))
        if chosen:
            return chosen
        best = request.accept_languages.best_match(["ko", "zh-Hans", "zh", "en"])
        if best and request.headers.get("Accept-Language"):
            return normalise_language(best) or best
    return normalise_language(current_app.config["PLUGCRM_LANGUAGE"]) or "ko"


def current_language() -> str:
    """The language of this request, chosen once by Flask-Babel and cached on the request."""
    try:
        locale = get_locale()
    except RuntimeError:
        return "ko"
    if locale is None:
        return "ko"
    known = LANGUAGE_OF_LOCALE.get(locale)
    if known is None:
        known = LANGUAGE_OF_LOCALE[locale] = normalise_language(str(locale)) or "ko"
    return known


LANGUAGE_OF_LOCALE: dict = {}  # babel Locale → our language code; asked for every label on a page


def pick_label(labels: dict | None, fallback: str = "") -> str:
    """The label in the current language from a ``{ko, zh_Hans, en}`` mapping."""
    if not labels:
        return fallback
    lang = current_language()
    return (labels.get(lang) or labels.get(lang.replace("_", "-")) or labels.get("en")
            or labels.get("ko") or fallback or next(iter(labels.values())))


def deployment_tz() -> ZoneInfo:
    try:
        return ZoneInfo(current_app.config["PLUGCRM_TIMEZONE"])
    except RuntimeError:
        return ZoneInfo("Asia/Seoul")


def local_today() -> dt.date:
    """Today in the deployment's time zone, from :func:`core.clock.now` (so tests can move it)."""
    return clock.now().astimezone(deployment_tz()).date()


class PluginDomains:
    """One Flask-Babel :class:`~flask_babel.Domain` per plugin: its own catalogue over the core's, over
    the other plugins' (which only fill in msgids neither translates)."""

    def __init__(self, catalogues: dict):
        core = [str(d) for d in catalogues.get("core", [])]
        plugins = [owner for owner in catalogues if owner != "core"]
        self.domains = {}
        for owner in plugins:
            others = [str(d) for other in reversed(plugins) if other != owner for d in catalogues[other]]
            if catalogues[owner]:
                self.domains[owner] = Domain(others + core + [str(d) for d in catalogues[owner]])

    def install(self, app) -> None:
        """Keep the domains on ``app`` and make templates' ``_``/``gettext``/``ngettext`` use them."""
        app.extensions["plugcrm_domains"] = self
        app.jinja_env.install_gettext_callables(
            gettext=template_gettext, ngettext=template_ngettext, newstyle=True,
            pgettext=pass_context(lambda context, c, s: template_translations(context).upgettext(c, s)),
            npgettext=pass_context(lambda context, c, s, p, n:
                                   template_translations(context).unpgettext(c, s, p, n)))

    def translations(self, plugin: str | None):
        domain = self.domains.get(plugin) if plugin else None
        return domain.get_translations() if domain is not None else get_translations()


def plugin_translations(plugin: str | None):
    """The gettext translations of ``plugin``'s domain (the default domain outside an app)."""
    try:
        domains = current_app.extensions.get("plugcrm_domains")
    except RuntimeError:
        domains = None
    return domains.translations(plugin) if domains is not None else get_translations()


def template_translations(context):
    """A template under ``<plugin>/`` (``installed_base/panel.html``) reads its plugin's domain."""
    name = context.name or ""
    return plugin_translations(name.split("/", 1)[0] if "/" in name else None)


@pass_context
def template_gettext(context, string: str) -> str:
    return template_translations(context).ugettext(string)


@pass_context
def template_ngettext(context, singular: str, plural: str, n: int) -> str:
    return template_translations(context).ungettext(singular, plural, n)


def plugin_gettext(plugin: str, string: str, **variables) -> str:
    """``string`` translated in ``plugin``'s domain, ``%(name)s`` filled from ``variables``."""
    text = plugin_translations(plugin).ugettext(string)
    return text % variables if variables else text


def plugin_ngettext(plugin: str, singular: str, plural: str, num: int, **variables) -> str:
    """The singular or plural of a message in ``plugin``'s domain, ``%(num)d`` and ``%(name)s`` filled."""
    variables.setdefault("num", num)
    return plugin_translations(plugin).ungettext(singular, plural, num) % variables


def plugin_lazy_gettext(plugin: str, string: str, **variables) -> LazyString:
    """:func:`plugin_gettext`, evaluated each time the text is shown (for declarations at import)."""
    return LazyString(plugin_gettext, plugin, string, **variables)
