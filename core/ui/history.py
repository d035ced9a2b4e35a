"""The audit trail of one record, with field labels and user names for the history tab."""
from __future__ import annotations


from core.audit import history
from core.runtime import runtime
from core.security.users import names_of
from flask_babel import gettext as _


def history_rows(entity, record_id: int, hidden: set[str] = frozenset()) -> list[dict]:
    """Newest first; changes to fields hidden from the user are left out."""
    entries = history(entity.name, record_id, hidden)
    user_ids = {e["user_id"] for e in entries} - {None}
    names = names_of(user_ids)
    labels = {f.name: f.display_label() for f in runtime().registry.fields(entity)}
    labels["owner_id"] = _("Owner")
    rows = []
    for e in reversed(entries):
        changes = [(labels.get(k, k), old, new) for k, (old, new) in e["changes"].items()]
        rows.append({"at": e["at"], "user": names.get(e["user_id"], ""), "action": e["action"], "changes": changes})
    return rows
