"""A quote list page labels its three references (account, contact, opportunity) with one statement."""
from __future__ import annotations

import sqlalchemy as sa

from plugins.quotes.tests.conftest import ok


def test_page_labels_every_reference_with_one_statement(app, sales, admin):
    from core.db import session
    from core.entities.display import display_values
    from core.runtime import runtime
    from core.security.models import User

    haedong = sales.account("해동통신")
    gone = sales.account("폐업상사")
    contact = ok(admin.post("/api/v1/contacts", json={"name": "김담당", "account_id": haedong}), 201)["id"]
    opportunity = ok(admin.post("/api/v1/opportunities", json={"title": "ERP 교체", "account_id": haedong,
                                                                 "revenue_month": "2026-12-01"}), 201)["id"]
    full = sales.quote(haedong, contact_id=contact, opportunity_id=opportunity)
    bare = sales.quote(gone)
    ok(admin.delete(f"/api/v1/accounts/{gone}"), 204)

    shown = {q["id"]: q["_display"] for q in ok(admin.get("/api/v1/quotes?per_page=50", headers={"Accept-Language": "en"}))["data"]}
    assert shown[full["id"]]["account_id"] == "해동통신"
    assert shown[full["id"]]["contact_id"] == "김담당"
    assert shown[full["id"]]["opportunity_id"] == "ERP 교체"
    assert shown[bare["id"]]["account_id"] == "폐업상사 (in the recycle bin)"
    assert "contact_id" not in shown[bare["id"]]

    statements = []
    engine = app.extensions["plugcrm"].engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731  (before_cursor_execute's statement)
    with app.test_request_context("/"):
        quotes = runtime().registry.get("quotes")
        user = session().scalar(sa.select(User).where(User.email == "admin@example.com"))
        rows = [dict(r._mapping) for r in session().execute(sa.select(quotes.table).order_by(quotes.table.c.id))]
        session().connection()  # the transaction begins outside the count
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            labels = display_values(quotes, rows, user)
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
    assert [lab.get("contact_id") for lab in labels] == ["김담당", None]
    assert [lab.get("opportunity_id") for lab in labels] == ["ERP 교체", None]
    lookups = [s for s in statements if "core_generations" not in s]  # the per-request cache check aside
    assert len(lookups) == 1 and "UNION ALL" in lookups[0].upper(), statements
