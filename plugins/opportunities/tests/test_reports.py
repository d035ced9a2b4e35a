"""Funnel, forecast and the other reports against numbers worked out by hand on a fixed pipeline.

The pipeline (amount in 백만원, stage, owner, revenue months):

    A  10  prospecting    rep1     lump sum 2026-12
    B  20  qualification  rep1     lump sum 2027-01
    C  30  proposal       rep2     monthly 2026-12 .. 2027-02 (10 a month)
    D  40  negotiation    rep2     lump sum 2026-12
    E  50  won            manager  lump sum 2027-01
    F  60  lost (price)   rep1     lump sum 2026-12
"""
from __future__ import annotations

import pytest

from core.testing import ApiClient, make_user
from plugins.opportunities.tests.conftest import ok

M = 1_000_000


@pytest.fixture
def team(app, pipeline, frozen):
    ids, clients = {}, {}
    for name, role in (("rep1", "sales"), ("rep2", "sales"), ("manager", "manager")):
        ids[name], token = make_user(app, f"{name}@example.com", role=role, name=name)
        clients[name] = ApiClient(app.test_client(), token)
    deals = {}
    for key, amount, stage, owner, month, extra in (
            ("A", 10, "prospecting", "rep1", "2026-12-01", {}),
            ("B", 20, "qualification", "rep1", "2027-01-01", {}),
            ("C", 30, "proposal", "rep2", "2026-12-01", {"billing_method": "monthly", "revenue_end": "2027-02-01"}),
            ("D", 40, "negotiation", "rep2", "2026-12-01", {}),
            ("E", 50, "won", "manager", "2027-01-01", {}),
            ("F", 60, "lost", "rep1", "2026-12-01", {"lost_reason": "price", "lost_to": "한빛정보"})):
        deals[key] = pipeline.deal(title=key, amount=str(amount * M), stage=stage, owner_id=ids[owner],
                                   revenue_month=month, **extra)["id"]
    return {"ids": ids, "clients": clients, "deals": deals, "admin": pipeline.api}


def report(client, name, query=""):
    return ok(client.get(f"/api/v1/opportunities/reports/{name}{query}"))


def amounts(millions) -> str:
    return f"{millions * M}.00"


def test_funnel_counts_shares_amounts_weighted_and_conversion(team):
    funnel = report(team["admin"], "funnel")
    rows = [(r["stage"], r["count"], r["share"], r["amount"], r["weighted"], r["conversion"]) for r in funnel["data"]]
    assert rows == [
        ("prospecting", 1, 16.7, amounts(10), amounts(1), 80.0),
        ("qualification", 1, 16.7, amounts(20), amounts(4), 75.0),
        ("needs_analysis", 0, 0.0, amounts(0), amounts(0), 100.0),
        ("proposal", 1, 16.7, amounts(30), amounts(15), 66.7),
        ("negotiation", 1, 16.7, amounts(40), amounts(32), 50.0),
        ("won", 1, 16.7, amounts(50), amounts(50), None),
        ("lost", 1, 16.7, amounts(60), amounts(0), None),
    ]
    assert funnel["total"] == {"count": 6, "amount": amounts(210), "weighted": amounts(102)}


def test_funnel_takes_the_list_filters(team):
    rep2 = team["ids"]["rep2"]
    funnel = report(team["admin"], "funnel", f"?owner_id={rep2}")
    assert {r["stage"]: r["count"] for r in funnel["data"] if r["count"]} == {"proposal": 1, "negotiation": 1}
    assert team["admin"].get("/api/v1/opportunities/reports/funnel?nonsense=1").status_code == 400


def test_forecast_by_month_from_the_revenue_schedule(team):
    forecast = report(team["admin"], "forecast", "?from=2026-12&to=2027-02")
    assert [(m["month"], m["amount"], m["weighted"], m["deals"]) for m in forecast["data"]] == [
        ("2026-12", amounts(60), amounts(38), 3),
        ("2027-01", amounts(80), amounts(59), 3),
        ("2027-02", amounts(10), amounts(5), 1),
    ]
    assert forecast["total"] == {"amount": amounts(150), "weighted": amounts(102)}
    assert team["admin"].get("/api/v1/opportunities/reports/forecast?from=2027-02&to=2026-12").status_code == 400
    assert team["admin"].get("/api/v1/opportunities/reports/forecast?from=12/2026").status_code == 400


def test_a_sales_rep_sees_only_what_the_rep_may_see(team):
    rep1 = team["clients"]["rep1"]
    funnel = report(rep1, "funnel")
    assert {r["stage"]: (r["count"], r["amount"]) for r in funnel["data"] if r["count"]} == {
        "prospecting": (1, amounts(10)), "qualification": (1, amounts(20)), "lost": (1, amounts(60))}
    forecast = report(rep1, "forecast", "?from=2026-12&to=2027-02")
    assert [(m["amount"], m["weighted"]) for m in forecast["data"]] == [
        (amounts(10), amounts(1)), (amounts(20), amounts(4)), (amounts(0), amounts(0))]
    assert [r["key"] for r in report(rep1, "breakdown", "?by=owner_id")["data"]] == [team["ids"]["rep1"]]
    assert report(team["clients"]["manager"], "funnel")["total"]["count"] == 6


def test_breakdown_by_owner_and_source(team, pipeline):
    by_owner = report(team["admin"], "breakdown", "?by=owner_id")
    assert [(r["label"], r["count"], r["amount"]) for r in by_owner["data"]] == [
        ("rep1", 3, amounts(90)), ("rep2", 2, amounts(70)), ("manager", 1, amounts(50))]
    assert report(team["admin"], "breakdown", "?by=stage")["data"][0]["label"] == "실패"
    assert team["admin"].get("/api/v1/opportunities/reports/breakdown?by=title").status_code == 400


def test_stuck_deals_are_open_deals_past_the_threshold(team, pipeline, frozen):
    frozen.advance(days=40)
    stuck = report(team["admin"], "stuck", "?days=30")
    assert stuck["total"] == 4 and {d["title"] for d in stuck["data"]} == {"A", "B", "C", "D"}
    assert all(d["days_in_stage"] == 40 for d in stuck["data"])
    ok(pipeline.move(team["deals"]["A"], "qualification", completed_actions=["first_meeting"]))
    assert report(team["admin"], "stuck", "?days=30")["total"] == 3
    assert report(team["admin"], "stuck", "?days=41")["total"] == 0
    assert team["admin"].get("/api/v1/opportunities/reports/stuck?days=-1").status_code == 400


def test_won_lost_analysis(team):
    analysis = report(team["admin"], "won-lost")
    assert analysis["won"] == {"count": 1, "amount": amounts(50)}
    assert analysis["lost"] == {"count": 1, "amount": amounts(60)}
    assert analysis["win_rate"] == 50.0
    assert [(r["reason"], r["count"]) for r in analysis["lost_reasons"]] == [("price", 1)]
    assert [(r["name"], r["count"]) for r in analysis["competitors"]] == [("한빛정보", 1)]


def test_unknown_report_is_404(team):
    assert team["admin"].get("/api/v1/opportunities/reports/nothing").status_code == 404


def test_list_filters_by_partner_product_and_revenue_month(team, pipeline):
    admin, deals = team["admin"], team["deals"]
    partner = pipeline.account("협력사")
    ok(admin.post("/api/v1/opportunity_partners", json={"opportunity_id": deals["C"], "account_id": partner}), 201)
    product = pipeline.product()
    pipeline.item(deals["D"], product)

    def titles(query):
        return sorted(r["title"] for r in ok(admin.get(f"/api/v1/opportunities?{query}"))["data"])

    assert titles(f"partner_id={partner}") == ["C"]
    assert titles(f"product_id={product}") == ["D"]
    assert titles("revenue_in_month=2027-02") == ["C"]
    assert titles("revenue_in_month=2027-01") == ["B", "C", "E"]
    assert admin.get("/api/v1/opportunities?revenue_in_month=02-2027").status_code == 400
    funnel = report(admin, "funnel", f"?partner_id={partner}")
    assert funnel["total"]["count"] == 1


def test_forecast_window_cuts_through_monthly_and_installment_deals(pipeline):
    pipeline.deal(title="X", amount="400", stage="proposal", billing_method="monthly", revenue_month="2026-10-01",
                  revenue_end="2027-01-01")
    y = pipeline.deal(title="Y", amount="1000", stage="negotiation")
    ok(pipeline.put_schedule(y["id"], {"billing_method": "installments", "installments": [
        {"month": "2026-12", "amount": "300"}, {"month": "2027-03", "amount": "700"}]}))
    pipeline.deal(title="Z", amount="999", stage="lost", lost_reason="price", revenue_month="2026-12-01")
    forecast = report(pipeline.api, "forecast", "?from=2026-12&to=2027-03")
    assert [(m["month"], m["amount"], m["weighted"], m["deals"]) for m in forecast["data"]] == [
        ("2026-12", "400.00", "290.00", 2), ("2027-01", "100.00", "50.00", 1), ("2027-02", "0.00", "0.00", 0),
        ("2027-03", "700.00", "560.00", 1)]


def test_weighted_months_add_up_to_the_forecast_amount(pipeline, frozen):
    """14,499,999 over 7 months at 30 %: six months of 621,428 and the remainder in the last month."""
    deal = pipeline.deal(title="분할", amount="14499999", probability="30", billing_method="monthly",
                         revenue_month="2026-12-01", revenue_end="2027-06-01")
    assert deal["forecast_amount"] == "4350000.00"
    forecast = report(pipeline.api, "forecast", "?from=2026-12&to=2027-06")
    assert [m["weighted"] for m in forecast["data"]] == ["621428.00"] * 6 + ["621432.00"]
    assert forecast["total"]["weighted"] == "4350000.00"
    rows = ok(pipeline.api.get(f"/api/v1/opportunities/{deal['id']}/revenue-schedule"))["data"]
    assert sum(int(r["weighted"].split(".")[0]) for r in rows) == 4_350_000


def test_an_unknown_billing_method_is_a_422_not_a_500(pipeline):
    """Found by the fuzzer: the schedule was planned before the picklist check refused the method."""
    deal = pipeline.deal(title="분할", amount="1000000")
    assert "billing_method" in ok(pipeline.put_schedule(deal["id"], {"billing_method": "¦H\x80"}), 422)["error"]["fields"]
    patched = pipeline.api.patch(f"/api/v1/opportunities/{deal['id']}", json={"billing_method": "weekly"})
    assert patched.status_code == 422 and "billing_method" in patched.get_json()["error"]["fields"]
    assert pipeline.get(deal["id"])["billing_method"] in (None, "lump_sum")
