"""The opportunity record through the API: billing methods, line items, stages, forecast, contract."""
from __future__ import annotations

import sqlalchemy as sa

from core.testing import ApiClient, make_user
from plugins.opportunities.tests.conftest import PLUGINS, Pipeline, ok


# --- billing methods and the revenue schedule -------------------------------------

def test_lump_sum_puts_the_whole_amount_in_one_month(pipeline):
    deal = pipeline.deal(amount="12000000", revenue_month="2026-12-15")
    assert deal["billing_method"] == "lump_sum" and deal["revenue_month"] == "2026-12-01"
    assert pipeline.schedule(deal["id"]) == [("2026-12", "12000000.00")]


def test_lump_sum_month_defaults_to_the_expected_close_month(pipeline):
    deal = ok(pipeline.api.post("/api/v1/opportunities", json={"title": "A", "amount": "5000",
                                                                "expected_close_date": "2027-02-20"}), 201)
    assert pipeline.schedule(deal["id"]) == [("2027-02", "5000.00")]


def test_monthly_splits_evenly_and_the_last_month_takes_the_remainder(pipeline):
    deal = pipeline.deal(amount="1000000", billing_method="monthly", revenue_month="2026-11-01",
                         revenue_end="2027-01-01")
    assert pipeline.schedule(deal["id"]) == [("2026-11", "333333.00"), ("2026-12", "333333.00"),
                                             ("2027-01", "333334.00")]


def test_monthly_needs_a_sensible_period(pipeline):
    response = pipeline.api.post("/api/v1/opportunities", json={"title": "A", "amount": "10", "billing_method":
                                                                 "monthly", "revenue_month": "2026-11-01"})
    assert response.status_code == 422 and "revenue_end" in response.get_json()["error"]["fields"]
    response = pipeline.api.post("/api/v1/opportunities", json={
        "title": "A", "billing_method": "monthly", "revenue_month": "2026-11-01", "revenue_end": "2026-10-01"})
    assert response.status_code == 422 and "revenue_end" in response.get_json()["error"]["fields"]
    assert ok(pipeline.api.get("/api/v1/opportunities"))["meta"]["total"] == 0


def test_installments_must_add_up_to_the_amount(pipeline):
    deal = pipeline.deal(amount="10000000")
    plan = [{"month": "2026-12", "amount": "4000000"}, {"month": "2027-03", "amount": "5000000"}]
    refused = pipeline.put_schedule(deal["id"], {"billing_method": "installments", "installments": plan})
    assert refused.status_code == 422
    assert "installments" in refused.get_json()["error"]["fields"]
    assert pipeline.get(deal["id"])["billing_method"] == "lump_sum"
    assert pipeline.schedule(deal["id"]) == [("2026-12", "10000000.00")]

    plan[1]["amount"] = "6000000"
    body = ok(pipeline.put_schedule(deal["id"], {"billing_method": "installments", "installments": plan}))
    assert [(r["month"], r["amount"]) for r in body["data"]] == [("2026-12", "4000000.00"),
                                                                 ("2027-03", "6000000.00")]
    # changing the amount without changing the plan would break the sum
    changed = pipeline.api.patch(f"/api/v1/opportunities/{deal['id']}", json={"amount": "11000000"})
    assert changed.status_code == 422 and "installments" in changed.get_json()["error"]["fields"]
    assert pipeline.get(deal["id"])["amount"] == "10000000.00"


def test_bad_installment_rows_are_named(pipeline):
    deal = pipeline.deal(amount="100")
    response = pipeline.put_schedule(deal["id"], {
        "billing_method": "installments",
        "installments": [{"month": "2026-13", "amount": "50"}, {"month": "2026-12", "amount": "x"}]})
    fields = response.get_json()["error"]["fields"]
    assert response.status_code == 422 and set(fields) == {"installments.0", "installments.1"}


# --- line items -------------------------------------------------------------------

def test_line_item_totals_in_krw_round_to_whole_won(pipeline):
    deal = pipeline.deal()
    product = pipeline.product(price="1234.5", cost="800.25")
    item = pipeline.item(deal["id"], product, quantity="3")
    assert (item["unit_price"], item["sale_total"], item["unit_cost"], item["cost_total"]) == \
        ("1235.00", "3705.00", "800.00", "2400.00")
    item = pipeline.item(deal["id"], product, unit_price="999.4", quantity="2.5")
    assert item["sale_total"] == "2498.00"
    updated = pipeline.get(deal["id"])
    assert updated["amount"] == "6203.00" and updated["cost_total"] == "4400.00"


def test_line_item_totals_in_cny_keep_fen(crm_app_factory):
    app = crm_app_factory(plugins=PLUGINS, currency="CNY")
    pipeline = Pipeline(ApiClient(app.test_client(), make_user(app, "a@example.com", admin=True)[1]))
    deal = pipeline.deal()
    product = pipeline.product(price="1234.5", cost="800.255")
    item = pipeline.item(deal["id"], product, quantity="3")
    assert (item["sale_total"], item["cost_total"]) == ("3703.50", "2400.78")
    item = pipeline.item(deal["id"], product, unit_price="0.335", quantity="3")
    assert (item["unit_price"], item["sale_total"]) == ("0.34", "1.02")
    assert pipeline.get(deal["id"])["amount"] == "3704.52"


def test_amount_follows_line_items_unless_entered_by_hand(pipeline):
    deal = pipeline.deal(amount="500")
    product = pipeline.product(price="1000")
    first = pipeline.item(deal["id"], product, quantity="2")
    assert pipeline.get(deal["id"])["amount"] == "2000.00"
    ok(pipeline.api.patch(f"/api/v1/opportunity_items/{first['id']}", json={"quantity": "5"}))
    assert pipeline.get(deal["id"])["amount"] == "5000.00"

    typed = ok(pipeline.api.patch(f"/api/v1/opportunities/{deal['id']}", json={"amount": "4500"}))
    assert typed["amount"] == "4500.00" and typed["amount_manual"] is True
    pipeline.item(deal["id"], product)
    assert pipeline.get(deal["id"])["amount"] == "4500.00"

    back = ok(pipeline.api.patch(f"/api/v1/opportunities/{deal['id']}", json={"amount_manual": False}))
    assert back["amount"] == "6000.00"
    ok(pipeline.api.delete(f"/api/v1/opportunity_items/{first['id']}"), 204)
    assert pipeline.get(deal["id"])["amount"] == "1000.00"
    ok(pipeline.api.post(f"/api/v1/opportunity_items/{first['id']}/restore"))
    assert pipeline.get(deal["id"])["amount"] == "6000.00"
    assert pipeline.schedule(deal["id"]) == [("2026-12", "6000.00")]


def test_discontinued_products_are_not_offered_on_new_line_items(pipeline):
    deal = pipeline.deal()
    old = pipeline.product(name="구형 서버", discontinued=True)
    response = pipeline.api.post("/api/v1/opportunity_items", json={"opportunity_id": deal["id"], "product_id": old})
    assert response.status_code == 422 and "단종" in response.get_json()["error"]["fields"]["product_id"]
    assert ok(pipeline.api.get(f"/api/v1/opportunity_items?opportunity_id={deal['id']}"))["meta"]["total"] == 0


def test_sales_reps_see_neither_costs_nor_other_reps_line_items(app, pipeline):
    rep_id, rep_token = make_user(app, "rep@example.com", role="sales")
    rep = Pipeline(ApiClient(app.test_client(), rep_token))
    own = rep.deal(title="내 딜")
    other = pipeline.deal(title="남의 딜")
    product = pipeline.product(price="100", cost="60")
    mine = rep.item(own["id"], product, quantity="2")
    assert "unit_cost" not in mine and "cost_total" not in mine and mine["sale_total"] == "200.00"
    assert "cost_total" not in rep.get(own["id"])
    pipeline.item(other["id"], product)
    seen = ok(rep.api.get("/api/v1/opportunity_items"))["data"]
    assert [i["opportunity_id"] for i in seen] == [own["id"]]
    refused = rep.api.post("/api/v1/opportunity_items", json={"opportunity_id": other["id"], "product_id": product})
    assert refused.status_code == 422 and "opportunity_id" in refused.get_json()["error"]["fields"]


# --- stages -----------------------------------------------------------------------

def test_required_actions_block_advancing_and_name_what_is_missing(pipeline):
    deal = pipeline.deal()
    refused = pipeline.move(deal["id"], "proposal")
    error = refused.get_json()["error"]
    assert refused.status_code == 422
    assert error["missing_actions"] == ["first_meeting", "needs_confirmed"]
    assert pipeline.get(deal["id"])["stage"] == "prospecting"
    patched = pipeline.api.patch(f"/api/v1/opportunities/{deal['id']}", json={"stage": "qualification"})
    assert patched.status_code == 422 and patched.get_json()["error"]["missing_actions"] == ["first_meeting"]

    moved = ok(pipeline.move(deal["id"], "qualification", completed_actions=["first_meeting"]))
    assert moved["stage"] == "qualification" and moved["probability"] == "20.00"
    assert ok(pipeline.move(deal["id"], "prospecting"))["stage"] == "prospecting"  # going back needs nothing


def test_required_action_message_is_in_the_users_language(pipeline):
    deal = pipeline.deal()
    response = pipeline.api.post(f"/api/v1/opportunities/{deal['id']}/stage", json={"stage": "qualification"},
                                 headers={"Accept-Language": "ko"})
    assert response.status_code == 422 and "첫 미팅" in response.get_json()["error"]["message"]


def test_stage_history_and_days_in_stage(pipeline, frozen):
    deal = pipeline.deal()
    frozen.advance(days=5)
    ok(pipeline.move(deal["id"], "qualification", completed_actions=["first_meeting"], note="첫 미팅 완료"))
    frozen.advance(days=3)
    history = ok(pipeline.api.get(f"/api/v1/opportunities/{deal['id']}/stage-history"))
    assert history["days_in_stage"] == 3
    assert [(h["from"], h["to"], h["days"], h["note"], h["user"]) for h in history["data"]] == [
        (None, "prospecting", None, None, "관리자"),
        ("prospecting", "qualification", 5, "첫 미팅 완료", "관리자")]
    assert history["data"][1]["changed_at"] == "2026-11-07T01:00:00Z"


def test_probability_follows_the_stage_unless_overridden(pipeline):
    deal = pipeline.deal(stage="needs_analysis")
    assert deal["probability"] == "30.00" and deal["probability_manual"] is False
    typed = ok(pipeline.api.patch(f"/api/v1/opportunities/{deal['id']}", json={"probability": "45"}))
    assert typed["probability"] == "45.00" and typed["probability_manual"] is True
    kept = ok(pipeline.api.patch(f"/api/v1/opportunities/{deal['id']}", json={"title": "새 제목"}))
    assert kept["probability"] == "45.00"
    moved = ok(pipeline.move(deal["id"], "negotiation"))
    assert moved["probability"] == "80.00" and moved["probability_manual"] is False


def test_forecast_amount_is_recomputed_on_every_save(pipeline):
    deal = pipeline.deal(stage="proposal", amount="10000000")
    assert deal["forecast_amount"] == "5000000.00"
    assert ok(pipeline.api.patch(f"/api/v1/opportunities/{deal['id']}", json={"probability": "35"}))[
        "forecast_amount"] == "3500000.00"
    assert ok(pipeline.api.patch(f"/api/v1/opportunities/{deal['id']}", json={"amount": "3333333"}))[
        "forecast_amount"] == "1166667.00"
    hand_typed = ok(pipeline.api.patch(f"/api/v1/opportunities/{deal['id']}", json={"forecast_amount": "1"}))
    assert hand_typed["forecast_amount"] == "1166667.00"
    schedule = ok(pipeline.api.get(f"/api/v1/opportunities/{deal['id']}/revenue-schedule"))["data"]
    assert schedule == [{"month": "2026-12", "amount": "3333333.00", "weighted": "1166667.00"}]


def test_closing_as_lost_asks_for_the_reason(pipeline):
    deal = pipeline.deal(stage="proposal", amount="100")
    refused = pipeline.move(deal["id"], "lost")
    assert refused.status_code == 422 and "lost_reason" in refused.get_json()["error"]["fields"]
    lost = ok(pipeline.move(deal["id"], "lost", lost_reason="competitor", lost_to="한빛정보"))
    assert (lost["stage"], lost["probability"], lost["forecast_amount"], lost["lost_to"]) == \
        ("lost", "0.00", "0.00", "한빛정보")


def test_a_stage_of_another_type_is_refused(app, pipeline):
    ok(pipeline.api.patch("/api/v1/meta/picklists/opportunity_stage/values/negotiation", json={
        "extra": {"probability": 80, "kind": "open", "required_actions": [], "types": ["new"]}}))
    deal = pipeline.deal(type="renewal")
    response = pipeline.move(deal["id"], "negotiation")
    assert response.status_code == 422 and "stage" in response.get_json()["error"]["fields"]
    assert [s["value"] for s in ok(pipeline.api.get("/api/v1/opportunities/stages?type=renewal"))["data"]] == [
        "prospecting", "qualification", "needs_analysis", "proposal", "won", "lost"]


def test_a_contract_makes_the_opportunity_won(app, pipeline):
    from core.db import session
    from core.runtime import runtime
    from core.security.models import User

    deal = pipeline.deal(stage="negotiation", amount="7000000")
    with app.test_request_context():
        user = session().scalar(sa.select(User).where(User.email == "admin@example.com"))
        won = runtime().hook.crm_contract_added(opportunity_id=deal["id"], contract={"number": "CT-001"}, user=user)
        session().commit()
    assert won["stage"] == "won"
    after = pipeline.get(deal["id"])
    assert (after["stage"], after["probability"], after["forecast_amount"]) == ("won", "100.00", "7000000.00")
    history = ok(pipeline.api.get(f"/api/v1/opportunities/{deal['id']}/stage-history"))["data"]
    assert history[-1]["to"] == "won" and "CT-001" in history[-1]["note"]


def test_partners_and_competitors_are_listed_with_the_deal(pipeline):
    deal = pipeline.deal()
    for name in ("협력사 A", "협력사 B"):
        ok(pipeline.api.post("/api/v1/opportunity_partners", json={"opportunity_id": deal["id"],
                                                                   "account_id": pipeline.account(name)}), 201)
    ok(pipeline.api.post("/api/v1/opportunity_competitors", json={
        "opportunity_id": deal["id"], "name": "한빛정보", "strengths": "가격", "weaknesses": "지원", "price": "9000000"}),
       201)
    assert ok(pipeline.api.get(f"/api/v1/opportunity_partners?opportunity_id={deal['id']}"))["meta"]["total"] == 2
    competitors = ok(pipeline.api.get(f"/api/v1/opportunity_competitors?opportunity_id={deal['id']}"))["data"]
    assert [(c["name"], c["price"]) for c in competitors] == [("한빛정보", "9000000.00")]


def test_errors_speak_the_users_language(pipeline):
    deal = pipeline.deal(stage="proposal", amount="100")
    for language, words in (("ko", "실패 사유"), ("zh-CN", "丢单原因"), ("en", "lost")):
        response = pipeline.api.post(f"/api/v1/opportunities/{deal['id']}/stage", json={"stage": "lost"},
                                     headers={"Accept-Language": language})
        assert response.status_code == 422 and words in response.get_json()["error"]["message"], language


def test_catalogues_are_complete():
    from pathlib import Path

    from core.translations.check import untranslated

    for plugin in ("products", "opportunities"):
        folder = Path(__file__).resolve().parents[2] / plugin / "translations"
        assert untranslated(folder) == {"ko": [], "zh_Hans": [], "en": []}, plugin
