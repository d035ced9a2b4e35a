"""Task "send email": recipients (owner, the owner's superior, users, roles, email fields, fixed addresses),
templated text.

The owner's superior is whoever holds the role above the owner's role (the role tree of
:mod:`core.security.roles`, Vtiger's "reports to").
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from core.bounds import is_id
from core.db import session
from core.plugin_api import translator
from plugins.workflows.tasks.base import TaskError, TaskType

_, _l = translator("workflows")

RECIPIENT_KEYS = {"owner", "owner_superior", "users", "roles", "fields", "addresses"}


@dataclass(frozen=True)
class Recipients:
    owner: bool = False
    users: tuple[int, ...] = ()
    owner_superior: bool = False
    roles: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()


def compile_recipients(raw, env, key: str = "recipients") -> Recipients:
    from core.mail import valid_address
    from core.security.models import Role, User

    if not isinstance(raw, dict) or not raw:
        raise TaskError(key, _("Choose at least one recipient."))
    unknown = set(raw) - RECIPIENT_KEYS
    if unknown:
        raise TaskError(key, _("Unknown recipient kind %(name)s; use owner, owner_superior, users, roles, fields "
                               "or addresses.",
                               name=", ".join(sorted(unknown))))
    lists = {}
    for name in ("users", "roles", "fields", "addresses"):
        value = raw.get(name) or []
        if not isinstance(value, list):
            raise TaskError(f"{key}.{name}", _("Give a list."))
        lists[name] = value
    users = []
    for user_id in lists["users"]:
        user = session().get(User, user_id) if is_id(user_id) else None
        if user is None or not user.active:
            raise TaskError(f"{key}.users", _("No active user with id %(id)s.", id=user_id))
        users.append(user_id)
    known_roles = set(session().scalars(sa.select(Role.name)))
    for role in lists["roles"]:
        if role not in known_roles:
            raise TaskError(f"{key}.roles", _("No role named %(name)s.", name=role))
    for path in lists["fields"]:
        resolved = env.field(path, f"{key}.fields")
        if resolved.field.type != "email":
            raise TaskError(f"{key}.fields", _("%(name)s is not an email field.", name=path))
    for address in lists["addresses"]:
        if not valid_address(address):
            raise TaskError(f"{key}.addresses", _("Not a valid email address: %(addresses)s", addresses=address))
    for flag in ("owner", "owner_superior"):
        if not isinstance(raw.get(flag, False), bool):
            raise TaskError(f"{key}.{flag}", _("Must be true or false."))
    result = Recipients(raw.get("owner", False), tuple(users), raw.get("owner_superior", False), tuple(lists["roles"]),
                        tuple(lists["fields"]), tuple(a.strip() for a in lists["addresses"]))
    if result == Recipients():
        raise TaskError(key, _("Choose at least one recipient."))
    return result


def resolve_recipients(recipients: Recipients, ctx) -> list[str]:
    """Email addresses now (users and roles are looked up when the workflow fires)."""
    from core.security.models import Role, User

    found: list[str] = []
    user_ids = list(recipients.users)
    if recipients.owner and ctx.record.get("owner_id"):
        user_ids.append(ctx.record["owner_id"])
    if user_ids:
        found += session().scalars(sa.select(User.email).where(User.id.in_(user_ids), User.active))
    if recipients.owner_superior and ctx.record.get("owner_id"):
        above = sa.select(Role.parent_id).join(User, User.role_id == Role.id).where(User.id == ctx.record["owner_id"])
        found += session().scalars(sa.select(User.email).where(User.role_id == above.scalar_subquery(), User.active)
                                   .order_by(User.id))
    if recipients.roles:
        found += session().scalars(sa.select(User.email).join(Role, User.role_id == Role.id)
                                   .where(Role.name.in_(recipients.roles), User.active).order_by(User.id))
    for path in recipients.fields:
        value = ctx.view.value(path)
        if value:
            found.append(value)
    found += recipients.addresses
    return list(dict.fromkeys(a.strip().lower() for a in found if a))


class SendEmail(TaskType):
    name = "send_email"
    label = _l("Send email")

    def compile(self, entity, config, env):
        return {"recipients": compile_recipients(config.get("recipients"), env),
                "subject": env.template(config.get("subject"), "subject"),
                "body": env.template(config.get("body"), "body"),
                "html": env.template(config.get("html"), "html", required=False)}

    def message(self, compiled, ctx) -> dict:
        from plugins.workflows.templates import render

        subject = " ".join(render(compiled["subject"], ctx).split())
        html = render(compiled["html"], ctx) if compiled["html"] is not None else None
        return {"to": resolve_recipients(compiled["recipients"], ctx), "subject": subject,
                "text": render(compiled["body"], ctx), "html": html}

    def run(self, compiled, ctx):
        from core.mail import enqueue_email

        message = self.message(compiled, ctx)
        if not message["to"]:
            return {"status": "skipped", "detail": _("No recipient has an email address.")}
        job_id = enqueue_email(message["to"], message["subject"], message["text"], message["html"])
        return {"status": "queued", "job_id": job_id, "detail": {"to": message["to"], "subject": message["subject"]}}

    def preview(self, compiled, ctx):
        return self.message(compiled, ctx)
