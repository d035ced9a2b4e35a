"""Activity rules: times, contact/account agreement, related records, completion and its confirmation."""
from __future__ import annotations

import sqlalchemy as sa

from core import clock
from core.bounds import is_id
from core.db import session
from core.entities.query import visible_select
from core.errors import Forbidden, ValidationError
from core.plugin_api import translator
from core.runtime import runtime

_, _l = translator("customers")

CONTACT_TYPES = ("call", "meeting", "visit")  # what counts as "contacting the customer"


def before_save(values: dict, old: dict | None, user) -> None:
    errors: dict[str, str] = {}
    if not values.get("start_at"):
        values["start_at"] = old["start_at"] if old and old.get("start_at") else clock.now()
    if values.get("end_at") and values["end_at"] < values["start_at"]:
        errors["end_at"] = _("The end cannot be before the start.")
    contact_rules(values, user, errors)
    related_rules(values, old, user, errors)
    completion_rules(values, old, user, errors)
    if errors:
        raise ValidationError(_("Some fields are not valid."), errors)


def contact_rules(values: dict, user, errors: dict) -> None:
    """A contact belongs to the activity's account; without an account, the contact's account is used."""
    from plugins.customers.entities import contacts

    if not values.get("contact_id"):
        return
    table = contacts.table
    account_id = session().scalar(visible_select(contacts, user, table.c.account_id)
                                  .where(table.c.id == values["contact_id"]))
    if account_id is None:
        return  # unknown or invisible contact, or one without an account: the reference check reports it
    if not values.get("account_id"):
        values["account_id"] = account_id
    elif values["account_id"] != account_id:
        errors["contact_id"] = _("This contact belongs to another account.")


def related_rules(values: dict, old: dict | None, user, errors: dict) -> None:
    """``(related_entity, related_id)`` names any record the user can see (an opportunity, a quote ...)."""
    entity_name, record_id = values.get("related_entity"), values.get("related_id")
    if not entity_name and not record_id:
        values["related_entity"] = values["related_id"] = None
        return
    if old and (entity_name, record_id) == (old.get("related_entity"), old.get("related_id")):
        return
    if not entity_name or not record_id:
        errors["related_id" if entity_name else "related_entity"] = _("Give both the record type and the record.")
        return
    target = runtime().registry.entities.get(entity_name)
    if target is None:
        errors["related_entity"] = _("Unknown record type %(name)s.", name=entity_name)
        return
    found = session().execute(visible_select(target, user, target.table.c.id)
                              .where(target.table.c.id == record_id)).first()
    if found is None:
        errors["related_id"] = _("No such record, or you cannot see it.")


def completion_rules(values: dict, old: dict | None, user, errors: dict) -> None:
    """Done stamps ``completed_at``; only a task's creator confirms its completion."""
    done = values.get("status") == "done"
    values["completed_at"] = (values.get("completed_at") or clock.now()) if done else None
    was_confirmed = bool(old and old.get("confirmed"))
    if not values.get("confirmed") or (was_confirmed and not done):
        values.update(confirmed=False, confirmed_at=None, confirmed_by_id=None)
        return
    if was_confirmed:
        return
    creator = old["created_by_id"] if old else getattr(user, "id", None)
    if values.get("type") != "task":
        errors["confirmed"] = _("Only tasks are confirmed.")
    elif values.get("status") != "done":
        errors["confirmed"] = _("A task is confirmed after it is done.")
    elif user is not None and creator != user.id:
        errors["confirmed"] = _("Only the person who created the task can confirm it.")
    else:
        values.update(confirmed_at=clock.now(), confirmed_by_id=getattr(user, "id", None))


# --- days since last contact --------------------------------------------------

def refresh_last_contact(account_ids) -> None:
    """Recompute ``accounts.last_contact_at`` from the latest done call, meeting or visit.

    A derived column written directly (no version bump, no audit entry): it is
    not an edit of the account.
    """
    from plugins.customers.entities import accounts, activities

    ids = {i for i in account_ids if i}
    if not ids:
        return
    act, acc = activities.table, accounts.table
    latest = (sa.select(sa.func.max(act.c.start_at))
              .where(act.c.account_id == acc.c.id, act.c.status == "done", act.c.type.in_(CONTACT_TYPES),
                     act.c.deleted_at.is_(None))
              .scalar_subquery())
    session().execute(sa.update(acc).where(acc.c.id.in_(ids)).values(last_contact_at=latest))


def after_save(record: dict, old: dict | None) -> None:
    from plugins.customers import reminders

    refresh_last_contact({record.get("account_id"), (old or {}).get("account_id")})
    reminders.schedule(record, old)


def on_removed_or_restored(sender, *, record, **_kw) -> None:
    """Signal receiver: an activity went to (or came back from) the recycle bin."""
    if sender == "activities" and "customers" in runtime().plugins.enabled_names:
        refresh_last_contact({record.get("account_id")})


# --- assignees (a link table) -------------------------------------------------

def assigned_condition(user_id: int):
    """SQL: the activity has ``user_id`` among its assignees."""
    from plugins.customers.entities import activities
    from plugins.customers.models import assignees_table

    link = assignees_table()
    return activities.table.c.id.in_(sa.select(link.c.activity_id).where(link.c.user_id == user_id))


def complete(activity_id: int, user) -> dict:
    """Mark an activity done: its owner and superiors may (the edit right), and so may its assignees."""
    from core.entities import records
    from core.security.permissions import can
    from plugins.customers.entities import activities

    activity = records.get(activities, activity_id, user)
    if not (can(user, activities, "edit", activity) or user.id in assignee_ids(activity_id)):
        raise Forbidden(_("Only the owner, a superior or an assignee can complete this activity."))
    return records.update(activities, activity_id, {"status": "done"}, user, check_rights=False)


def assignee_ids(activity_id: int) -> list[int]:
    from plugins.customers.models import assignees_table

    table = assignees_table()
    return list(session().scalars(sa.select(table.c.user_id).where(table.c.activity_id == activity_id)
                                  .order_by(table.c.user_id)))


def assignees_by_activity(activity_ids: list[int]) -> dict[int, list[int]]:
    from plugins.customers.models import assignees_table

    table = assignees_table()
    result: dict[int, list[int]] = {i: [] for i in activity_ids}
    if activity_ids:
        for activity_id, user_id in session().execute(
                sa.select(table.c.activity_id, table.c.user_id).where(table.c.activity_id.in_(activity_ids))
                .order_by(table.c.user_id)):
            result[activity_id].append(user_id)
    return result


def set_assignees(activity_id: int, user_ids) -> list[int]:
    """Replace the assignees; every id must be an active user (422 naming the bad ones)."""
    from core.security.models import User
    from plugins.customers.models import assignees_table

    if not isinstance(user_ids, list) or not all(is_id(i) for i in user_ids):
        raise ValidationError(_("Some fields are not valid."), {"user_ids": _("Send a list of user ids.")})
    wanted = sorted(set(user_ids))
    known = set(session().scalars(sa.select(User.id).where(User.id.in_(wanted), User.active))) if wanted else set()
    unknown = [str(i) for i in wanted if i not in known]
    if unknown:
        raise ValidationError(_("Some fields are not valid."),
                              {"user_ids": _("Not a valid user: %(ids)s.", ids=", ".join(unknown))})
    table = assignees_table()
    session().execute(sa.delete(table).where(table.c.activity_id == activity_id))
    if wanted:
        session().execute(sa.insert(table), [{"activity_id": activity_id, "user_id": u} for u in wanted])
    return wanted
