"""Jinja filters: numbers, money, dates and field values in the user's locale and time zone.

Money follows the deployment's currency (KRW without minor unit, CNY with two
decimals, as CLDR defines them); datetimes are stored in UTC and shown in the
deployment's time zone (Asia/Seoul by default).
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from flask import current_app, url_for
from babel.dates import format_skeleton
from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from core.entities import picklists
from core.i18n import deployment_tz
from core.entities.display import ReferenceLabel


def money(value, currency: str | None = None) -> str:
    if value in (None, ""):
        return ""
    return format_currency(Decimal(value), currency or current_app.config["PLUGCRM_CURRENCY"])


def number(value) -> str:
    if value in (None, ""):
        return ""
    return format_decimal(value)


def date(value) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return format_date(value, "medium")


def month(value) -> str:
    """A month, as the locale writes one (2026년 12월, 2026年12月, Dec 2026)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return format_skeleton("yMMM", value, locale=get_locale())


def datetime(value) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return format_datetime(value, "short")


def reference_link(label) -> Markup | str:
    """A reference's label as a link to its record page when the user can open it, else the label."""
    if isinstance(label, ReferenceLabel) and label.linkable:
        url = url_for("ui.detail", entity_name=label.entity, record_id=label.record_id)
        return Markup('<a href="{}" class="ref-link">{}</a>').format(url, label)
    return label


def reference_cell(label) -> Markup | str:
    """A reference in a report's or widget's row (from :func:`core.entities.display.reference_labels`):
    a link to its record when the user can open it, its label when not (in the recycle bin), or, for a
    record the user may not see (``None``), that there is one, never its name."""
    return unseen_reference() if label is None else reference_link(label)


MERGE_FIELD = re.compile(r"\{\{\s*[\w.]+\s*\}\}")


def help_text(text) -> Markup:
    """A field's help, its merge fields (``{{ account.name }}``) shown as code to type as they are."""
    escaped = str(escape(str(text)))
    return Markup(MERGE_FIELD.sub(lambda m: f'<code translate="no">{m.group(0)}</code>', escaped))


def first_own_column(columns) -> str | None:
    """The first column of a record table that is not a reference: it carries the row's own link."""
    return next((c.name for c in columns if c.type != "reference"), None)


def own_link_columns(columns, title_field: str) -> frozenset[str]:
    """The columns whose cell links to the row's own record (ui/_cells.html's rule, decided once per table).

    The first column and the title column, unless they are references (those link to what they name);
    else the first column that is not a reference; with none at all, the first column's label.
    """
    first_own = first_own_column(columns)
    if first_own is None:
        return frozenset(columns[:1] and [columns[0].name])
    return frozenset(c.name for i, c in enumerate(columns)
                     if c.type != "reference" and (i == 0 or c.name == title_field or c.name == first_own))


def unseen_reference() -> Markup:
    """What a reference to a record the user may not see shows: that there is one, never its name."""
    return Markup('<span class="muted">{}</span>').format(_("a record that you cannot see"))


def language_tag(code) -> str:
    """A BCP 47 language tag for ``lang=`` and ``Intl``: ``zh_Hans`` → ``zh-Hans``."""
    return str(code).replace("_", "-")


def field_value(f, value, display: dict | None = None):
    """A record's value as shown in lists and detail pages (HTML-safe).

    With ``display`` (from :func:`core.entities.display.display_values`), a reference shows its
    record's title as a link, or that the record cannot be seen; ids never show.
    """
    if value in (None, "", []):
        return ""
    if display is not None and f.type == "reference" and f.name in display:
        return reference_link(display[f.name]) if display[f.name] is not None else unseen_reference()
    display = display or {}
    if f.name in display and display[f.name] is not None:
        shown = display[f.name]
        if isinstance(shown, list):
            return ", ".join(map(str, shown))
        if f.type == "picklist":
            colour = picklist_colour(f.picklist, value)
            if colour:
                return Markup('<span class="badge" style="background:{0}1f;color:{0}">{1}</span>').format(colour, shown)
            return Markup('<span class="badge">{}</span>').format(shown)
        return shown
    kind = f.type
    if f.extra.get("labels"):  # a code field that declares its codes' words
        return str(f.extra["labels"].get(value, value))
    if kind == "money":
        return money(value)
    if kind in ("integer", "decimal"):
        return number(value)
    if kind == "percent":
        return f"{number(value)}%"
    if kind == "date" and f.extra.get("month"):
        return month(value)
    if kind == "date":
        return date(value)
    if kind == "datetime":
        return datetime(value)
    if kind == "boolean":
        return _("Yes") if value else _("No")
    if kind == "email":
        return Markup('<a href="mailto:{0}">{0}</a>').format(value)
    if kind == "url":
        return Markup('<a href="{0}" rel="noopener noreferrer" target="_blank">{0}</a>').format(value)
    if kind == "phone":
        return Markup('<a href="tel:{0}">{0}</a>').format(value)
    if kind == "longtext" and f.extra.get("markup"):  # an HTML document's source, as its author wrote it
        return Markup('<pre class="markup" translate="no">{}</pre>').format(value)
    if kind == "longtext":
        return Markup("<br>").join(escape(value).split("\n"))
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return value


def picklist_colour(picklist: str | None, value) -> str | None:
    """The administrator's colour of a picklist value (``#rrggbb``), if any."""
    if not picklist:
        return None
    for row in picklists.values(picklist):
        if row.value == value and row.colour and re.fullmatch(r"#[0-9a-fA-F]{6}", row.colour):
            return row.colour
    return None


def input_value(f, value) -> str:
    """A value as it goes back into a form input."""
    if value in (None, []):
        return ""
    if f.type == "datetime" and isinstance(value, dt.datetime):
        return value.astimezone(deployment_tz()).strftime("%Y-%m-%dT%H:%M")
    if f.extra.get("month") and value:  # <input type=month> takes YYYY-MM
        return (value.isoformat() if isinstance(value, dt.date) else str(value))[:7]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, bool):
        return "1" if value else ""
    return str(value)


def register(app) -> None:
    app.jinja_env.filters.update(money=money, number=number, date=date, datetime=datetime,
                                 field_value=field_value, input_value=input_value, reference_link=reference_link,
                                 reference_cell=reference_cell,
                                 language_tag=language_tag, help_text=help_text)
    app.jinja_env.globals.update(first_own_column=first_own_column, own_link_columns=own_link_columns)
