"""Visit logs (방문일지): documents written from administrators' HTML templates.

Templates are rendered in Jinja2's :class:`~jinja2.sandbox.SandboxedEnvironment`
with autoescaping, so a template can only read the values it is given and
every value is HTML-escaped.  The stored document (which the user may edit)
is cleaned with ``nh3`` on every save: the print page can show it as HTML
without letting a script through.
"""
from __future__ import annotations

import nh3
from flask_babel import format_date
from jinja2 import TemplateError

from core.db import session
from core.entities import records
from core.entities.display import display_values
from core.errors import NotFound, ValidationError
from core.plugin_api import translator
from core.templating import LimitedSandbox, render_limited

_, _l = translator("customers")

ENV = LimitedSandbox(autoescape=True)
ALLOWED_ATTRIBUTES = {"*": {"style", "class", "colspan", "rowspan", "align", "width"}}
# What a document's inline styles may set: text and table looks only.  Nothing that moves a box
# out of the flow over the page (position, float, negative margins, transform, z-index) or loads
# anything (background, list-style-image, content, cursor, border-image: all take url(...)).
ALLOWED_STYLE_PROPERTIES = {
    "color", "background-color", "font-family", "font-size", "font-style", "font-weight", "text-align",
    "text-decoration", "text-indent", "vertical-align", "line-height", "letter-spacing", "white-space",
    "width", "min-width", "max-width", "height", "min-height", "padding", "padding-top", "padding-right",
    "padding-bottom", "padding-left", "border", "border-top", "border-right", "border-bottom", "border-left",
    "border-color", "border-style", "border-width", "border-collapse", "border-spacing",
}


def check_template(values: dict) -> None:
    """A template must compile (who may write templates is a right: by default only administrators)."""
    try:
        ENV.from_string(values.get("body") or "")
    except TemplateError as exc:
        raise ValidationError(_("Some fields are not valid."),
                              {"body": _("The template has an error: %(error)s", error=str(exc))}) from None


def before_save(values: dict, old: dict | None, user) -> None:
    """Write the document from the chosen template when it is empty or the template changed."""
    template_changed = old is not None and values.get("template_id") != old.get("template_id")
    if values.get("template_id") and (not values.get("document") or template_changed):
        values["document"] = render(values, user)
    if values.get("document"):
        values["document"] = clean(values["document"])
    if not values.get("written_on"):
        from plugins.customers.accounts import local_today
        values["written_on"] = local_today()


def clean(html: str) -> str:
    return nh3.clean(html, attributes=ALLOWED_ATTRIBUTES, filter_style_properties=ALLOWED_STYLE_PROPERTIES,
                     link_rel="noopener noreferrer")


def render(visit: dict, user) -> str:
    from plugins.customers.entities import accounts, contacts, visit_templates

    template = visible(visit_templates, visit, "template_id", user)
    context = {
        "account": readable(accounts, visible(accounts, visit, "account_id", user), user),
        "contact": (readable(contacts, visible(contacts, visit, "contact_id", user), user)
                    if visit.get("contact_id") else {}),
        "visit": {**visit, "visit_date": format_date(visit["visit_date"]) if visit.get("visit_date") else ""},
        "visitor": owner_name(visit.get("owner_id")),
    }
    try:
        return render_limited(ENV.from_string(template["body"]), **context)
    except (TemplateError, TypeError, ValueError, OverflowError) as exc:
        raise ValidationError(_("Some fields are not valid."),
                              {"template_id": _("The template has an error: %(error)s", error=str(exc))}) from None


def visible(entity, values: dict, field: str, user) -> dict:
    """The record ``values[field]`` names, or 422 on that field (as the reference check would say)."""
    try:
        return records.get(entity, values[field], user)
    except NotFound:
        raise ValidationError(_("Some fields are not valid."),
                              {field: _("No such record, or you cannot see it.")}) from None


def readable(entity, record: dict, user) -> dict:
    """A record with picklist codes and references replaced by what people read."""
    shown = display_values(entity, [record], user)[0]
    return {k: ("" if v is None else v) for k, v in {**record, **shown}.items()}


def owner_name(user_id: int | None) -> str:
    from core.security.models import User

    user = session().get(User, user_id) if user_id else None
    return user.name if user else ""
