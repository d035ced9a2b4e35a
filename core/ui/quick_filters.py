""""All / mine / my team's" quick filters over an owned entity's list (and pages that list its records).

Each filter is a set of list parameters on ``owner_id``, so the list, its
export and the API read it exactly like a filter typed by hand: *mine* is
``owner_id=<me>``, *my team's* is ``owner_id__in=<me and everyone in the roles
below mine>`` (offered only to a user who has such colleagues).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.security.permissions import visible_owner_ids

OWNER_PARAMS = ("owner_id", "owner_id__in", "page")


def quick_filters(entity, user, args) -> list[dict]:
    """``[{"key", "label", "pairs", "active"}]`` for ``entity`` (none when it has no owner)."""
    if not entity.owned or user is None:
        return []
    kept = [(k, v) for k, v in args.items(multi=True) if k not in OWNER_PARAMS]
    team = sorted(visible_owner_ids(user))
    options = [("all", _l("All"), []), ("mine", _l("Mine"), [("owner_id", str(user.id))])]
    if len(team) > 1:
        options.append(("team", _l("My team's"), [("owner_id__in", ",".join(str(i) for i in team))]))
    current = [(k, v) for k, v in args.items(multi=True) if k in ("owner_id", "owner_id__in")]
    return [{"key": key, "label": label, "pairs": kept + pairs, "active": current == pairs}
            for key, label, pairs in options]
