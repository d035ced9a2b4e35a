"""The embed code of a form: the plain HTML form (works without JavaScript) and the script version."""
from __future__ import annotations

from flask import render_template, url_for

from core.runtime import runtime
from plugins.webforms import services
from plugins.webforms.public import HONEYPOT, display_fields
from plugins.webforms.models import WebForm


def plain_html(form: WebForm, lang: str) -> str:
    """The form as HTML to paste into a website; its token was issued now (no fill-time evidence)."""
    entity = runtime().registry.get(form.target_entity)
    return render_template("webforms/form_fields.html", form=form, fields=display_fields(form, entity),
                           token=services.issue_token(form), errors={}, values={}, honeypot=HONEYPOT,
                           lang=lang).strip()


def script_html(form: WebForm, lang: str) -> str:
    """The plain form plus a small script that fetches a fresh token and sends the form in the background."""
    src = url_for("plugin_static", plugin="webforms", filename="embed.js", _external=True)
    return (plain_html(form, lang) + "\n"
            + f'<script src="{src}" data-form="plugcrm-form-{form.public_key}" async></script>')
