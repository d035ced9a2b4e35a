"""Languages, time zone and label choice.

Translations go through Flask-Babel; catalogues live in ``core/translations``
and in each plugin's folder returned by ``crm_translation_dirs``.
"""
from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from flask import current_app, has_request_context, request
from flask_babel import get_locale

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
