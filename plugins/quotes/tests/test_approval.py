"""Approval: submit → approve / reject with a reason → withdraw; who may approve; the read-only lock."""
from __future__ import annotations

import pytest

from core.jobs.worker import run_pending
from plugins.quotes.tests.conftest import Sales, ok


@pytest.fixture
def rep_quote(team):
    """A quote of 1,100,000 (with VAT) owned by the rep, with the manager and director present."""
    team["manager"], team["director"], team["admin"]
    rep = Sales(team["rep"])
    quote = rep.quote(rep.account("재근상사"), status="in_progress")
    rep.line(quote["id"], name="설치비", quantity="1", unit_price="1000000")
    return rep, quote


def test_submit_approve_accept_and_history(team, rep_quote, smtp_server, app):
    rep, quote = rep_quote
    ok(team["admin"].put("/api/v1/mail/settings", json=smtp_server.settings()))
    submitted = rep.step(quote["id"], "submit")
    assert submitted["approval_status"] == "pending"
    # the rep cannot approve their own quote, a peer cannot see it, the manager can
    assert rep.api.post(f"/api/v1/quotes/{quote['id']}/approve", json={}).status_code == 403
    assert team["peer"].post(f"/api/v1/quotes/{quote['id']}/approve", json={}).status_code == 404
    pending = ok(team["manager"].get("/api/v1/quotes/pending-approvals"))["data"]
    assert [q["id"] for q in pending] == [quote["id"]]
    approved = Sales(team["manager"]).step(quote["id"], "approve", reason="단가 확인")
    assert (approved["approval_status"], approved["approver_id"]) == ("approved", team.ids["manager"])
    assert ok(rep.api.patch(f"/api/v1/quotes/{quote['id']}", json={"status": "accepted"}))["status"] == "accepted"
    steps = [e["changes"].get("approval_status") for e in ok(rep.api.get(f"/api/v1/quotes/{quote['id']}/history"))["data"]
             if "approval_status" in e["changes"]]
    assert steps == [[None, "none"], ["none", "pending"], ["pending", "approved"]]
    run_pending(app)
    assert [m["To"] for m in smtp_server.messages] == ["manager@example.com"]
    assert quote["number"] in smtp_server.messages[0]["Subject"]


def test_approved_quote_is_read_only_until_withdrawn(team, rep_quote):
    rep, quote = rep_quote
    manager = Sales(team["manager"])
    rep.step(quote["id"], "submit")
    error = ok(rep.api.patch(f"/api/v1/quotes/{quote['id']}", json={"title": "바꿈"}), 422)["error"]
    assert "approval" in error["message"].lower() or "결재" in error["message"]
    manager.step(quote["id"], "approve")
    assert rep.api.patch(f"/api/v1/quotes/{quote['id']}", json={"title": "바꿈"}).status_code == 422
    rep.line(quote["id"], status=422, name="추가", quantity="1", unit_price="1")
    line_id = ok(rep.api.get(f"/api/v1/quote_lines?quote_id={quote['id']}"))["data"][0]["id"]
    assert rep.api.delete(f"/api/v1/quote_lines/{line_id}").status_code == 422
    assert rep.get(quote["id"])["total"] == "1100000.00"
    # the owner cannot withdraw an approval; the approver can, and then the quote is editable again
    assert rep.api.post(f"/api/v1/quotes/{quote['id']}/withdraw", json={}).status_code == 403
    manager.step(quote["id"], "withdraw", reason="수량 변경 요청")
    assert ok(rep.api.patch(f"/api/v1/quotes/{quote['id']}", json={"title": "바꿈"}))["title"] == "바꿈"


def test_reject_needs_a_reason_and_allows_resubmitting(team, rep_quote):
    rep, quote = rep_quote
    manager = Sales(team["manager"])
    rep.step(quote["id"], "submit")
    error = manager.step(quote["id"], "reject", status=422)["error"]
    assert "reason" in error["fields"]
    rejected = manager.step(quote["id"], "reject", reason="할인율 과다")
    assert (rejected["approval_status"], rejected["approval_note"]) == ("rejected", "할인율 과다")
    assert ok(rep.api.patch(f"/api/v1/quotes/{quote['id']}", json={"title": "수정본"}))["title"] == "수정본"
    assert rep.step(quote["id"], "submit")["approval_status"] == "pending"


def test_above_the_amount_the_director_approves(team, rep_quote):
    rep, quote = rep_quote
    ok(team["admin"].put("/api/v1/quotes/settings", json={"approval_threshold": "1000000"}))
    rep.step(quote["id"], "submit")
    assert team["manager"].post(f"/api/v1/quotes/{quote['id']}/approve", json={}).status_code == 403
    assert ok(team["manager"].get("/api/v1/quotes/pending-approvals"))["data"] == []
    assert Sales(team["director"]).step(quote["id"], "approve")["approval_status"] == "approved"


def test_owner_may_withdraw_a_pending_submission(team, rep_quote):
    rep, quote = rep_quote
    rep.step(quote["id"], "submit")
    assert rep.step(quote["id"], "withdraw")["approval_status"] == "none"
    assert rep.step(quote["id"], "withdraw", status=422)["error"]["message"]


def test_settings_refuse_bad_values(admin, team):
    for body, field in (({"vat_rate": "abc"}, "vat_rate"), ({"rounding": "weird"}, "rounding"),
                        ({"approval_role": "nobody"}, "approval_role"), ({"nonsense": 1}, "nonsense")):
        error = ok(admin.put("/api/v1/quotes/settings", json=body), 422)["error"]
        assert field in error["fields"]
    assert ok(admin.get("/api/v1/quotes/settings"))["settings"]["vat_rate"] == "10"
    assert team["rep"].put("/api/v1/quotes/settings", json={"vat_rate": "0"}).status_code == 403
