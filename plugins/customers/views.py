"""Pages under ``/customers``: the printable visit log."""
from __future__ import annotations

from flask import Blueprint, render_template

from core.entities import records
from core.entities.display import display_values
from core.security.auth import current_user_or_none
from core.security.permissions import require_right

pages = Blueprint("customers", __name__, url_prefix="/customers", template_folder="templates")


@pages.get("/visit-logs/<int:visit_id>/print")
def print_visit_log(visit_id):
    """A print-ready page (A4) of a visit log's document; the shell is left out on purpose."""
    from plugins.customers.entities import visit_logs

    user = current_user_or_none()
    require_right(user, visit_logs, "view")
    visit = records.get(visit_logs, visit_id, user)
    return render_template("customers/visit_log_print.html", visit=visit,
                           shown=display_values(visit_logs, [visit], user)[0])
