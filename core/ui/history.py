"""Audit entries as people read them: field labels, values formatted like the record page, verbs, local time."""
from __future__ import annotations

from flask_babel import gettext as _

from core.audit import history
from core.entities.display import display_values
from core.runtime import runtime
from core.security.users import names_of
from core.security.auth import current_user_or_none
from core.security.fields import hidden_fields
from core.ui.formatting import field_value


def change_rows(entity, changes_list: list[dict]) -> list[list[tuple]]:
    """For each ``{field: [old, new]}``: ``(label, old shown, new shown)`` rows, references and picklists named.

    Money is shown in the deployment's currency and times in its zone, as on the record page; the
    display labels of all old and new values are read together (one query per reference field).
    """
    user = current_user_or_none()
    fields = {f.name: f for f in runtime().registry.fields(entity)}
    hidden = hidden_fields(entity, user)
    olds = [{k: v[0] for k, v in changes.items()} for changes in changes_list]
    news = [{k: v[1] for k, v in changes.items()} for changes in changes_list]
    shown = display_values(entity, olds + news, user)
    out = []
    for i, changes in enumerate(changes_list):
        rows = []
        for name, (old, new) in changes.items():
            if name in hidden:
                continue
            if name == "owner_id":
                rows.append((_("Owner"), shown[i].get(name) or "", shown[len(olds) + i].get(name) or ""))
            elif name in fields:
                f = fields[name]
                rows.append((f.display_label(), field_value(f, old, shown[i]),
                             field_value(f, new, shown[len(olds) + i])))
        out.append(rows)
    return out


def history_rows(entity, record_id: int, hidden: set[str] = frozenset()) -> list[dict]:
    """Newest first; changes to fields hidden from the user are left out."""
    entries = list(reversed(history(entity.name, record_id, hidden)))
    names = names_of({e["user_id"] for e in entries} - {None})
    changes = change_rows(entity, [e["changes"] for e in entries])
    return [{"at": e["at"], "user": names.get(e["user_id"], ""), "action": e["action"], "changes": c}
            for e, c in zip(entries, changes)]
