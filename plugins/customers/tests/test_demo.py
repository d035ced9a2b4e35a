"""``plugcrm demo``: Korean companies with valid business numbers, cards and activities over several reps."""
from __future__ import annotations

import sqlalchemy as sa

from plugins.customers.validators import brn_is_valid


def test_demo_data_is_alive(crm_app_factory):
    app = crm_app_factory(plugins=["customers"])
    from core.db import session
    from core.demo import fill
    from core.runtime import runtime
    from core.security.models import Role, User
    from core.testing import make_user

    admin_id, _token = make_user(app, "admin@example.com", admin=True)
    with app.app_context():
        admin = session().get(User, admin_id)
        demo = fill(admin)
        registry = runtime().registry
        accounts = session().execute(sa.select(registry.get("accounts").table)).all()
        assert any(a.name == "(주)해동통신" for a in accounts) and len(accounts) >= 10
        assert all(brn_is_valid(a.business_number.replace("-", "")) for a in accounts)
        assert {a.owner_id for a in accounts} >= {u.id for u in demo.users["sales"]}
        roles = dict(session().execute(sa.select(User.email, Role.name).join(Role, Role.id == User.role_id)).all())
        assert {"director", "manager", "sales"} <= set(roles.values())
        activities = session().execute(sa.select(registry.get("activities").table)).all()
        assert len(activities) >= 60
        assert {a.status for a in activities} >= {"done", "planned"}
        assert any(a.last_contact_at is not None for a in accounts)
        contacts = session().scalar(sa.select(sa.func.count()).select_from(registry.get("contacts").table))
        assert contacts == 2 * len(accounts)
        visit = session().execute(sa.select(registry.get("visit_logs").table)).first()
        assert "상 담 일 지" in visit.document
