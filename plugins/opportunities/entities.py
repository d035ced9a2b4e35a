"""Opportunities (영업기회 / 商机) and their child records: line items, partners, competitors."""
from __future__ import annotations

from core.entities import Entity, Field, RelatedList
from core.plugin_api import translator

_, _l = translator("opportunities")

opportunities = Entity(
    name="opportunities",
    label=_l("Opportunities"),
    label_singular=_l("Opportunity"),
    title_field="title",
    numbering="OPP-{YYYY}{MM}-{####}",
    icon="handshake",
    menu_group="sales",
    menu_order=20,
    list_columns=["title", "account_id", "stage", "amount", "owner_id", "revenue_month"],
    fields=[
        Field("title", "text", label=_l("Opportunity name"), required=True, search=True, list=True,
              max_length=200),
        Field("account_id", "reference", label=_l("Account"), target="accounts", list=True),
        Field("contact_id", "reference", label=_l("Contact"), target="contacts"),
        Field("type", "picklist", label=_l("Opportunity type"), picklist="opportunity_type", default="new"),
        Field("source", "picklist", label=_l("Source"), picklist="opportunity_source"),
        Field("campaign", "text", label=_l("Campaign"), max_length=200),
        Field("stage", "picklist", label=_l("Stage"), picklist="opportunity_stage", default="prospecting",
              list=True),
        Field("stage_changed_at", "datetime", label=_l("In this stage since"), readonly=True),
        Field("completed_actions", "multipicklist", label=_l("Completed actions"), picklist="opportunity_action"),
        Field("probability", "percent", label=_l("Probability"), list=True),
        Field("probability_manual", "boolean", label=_l("Probability entered by hand"), default=False),
        Field("amount", "money", label=_l("Amount"), list=True, min_value=0),
        Field("amount_manual", "boolean", label=_l("Amount entered by hand"), default=False),
        Field("forecast_amount", "money", label=_l("Forecast amount"), list=True,
              help=_l("Amount × probability / 100, computed on every save.")),
        Field("cost_total", "money", label=_l("Cost total"), readonly=True, extra={"cost": True}),
        Field("expected_close_date", "date", label=_l("Expected close date"), list=True),
        Field("billing_method", "picklist", label=_l("Billing method"), picklist="opportunity_billing",
              default="lump_sum"),
        Field("revenue_month", "date", label=_l("Expected revenue month"), list=True, extra={"month": True},
              help=_l("Lump sum: the month the revenue is expected (any day of it).")),
        Field("revenue_end", "date", label=_l("Revenue end month"), extra={"month": True},
              help=_l("Monthly: the last month; the period starts at the expected revenue month.")),
        # The schedule of a lump-sum or monthly deal in a few numbers (see reports.forecast): its last month,
        # the amount of each month from revenue_month and of the last month, unweighted and weighted.
        Field("revenue_last_month", "date", label=_l("Last revenue month"), readonly=True),
        Field("month_amount", "money", label=_l("Monthly amount"), readonly=True),
        Field("last_month_amount", "money", label=_l("Last month amount"), readonly=True),
        Field("month_forecast", "money", label=_l("Monthly forecast amount"), readonly=True),
        Field("last_month_forecast", "money", label=_l("Last month forecast amount"), readonly=True),
        Field("lost_reason", "picklist", label=_l("Lost reason"), picklist="opportunity_lost_reason",
              show_when=("stage", {"picklist": "opportunity_stage", "kind": "lost"})),
        Field("lost_to", "text", label=_l("Lost to competitor"), max_length=200,
              show_when=("stage", {"picklist": "opportunity_stage", "kind": "lost"})),
        Field("description", "longtext", label=_l("Description"), block="description"),
        Field("requirements", "longtext", label=_l("Customer requirements"), block="description"),
    ],
    # Covering indexes (deleted_at included so SQLite knows they cover): the funnel with or without the
    # owner filter, the forecast's pass over lump-sum/monthly deals and its pick of installment deals;
    # then stuck deals by stage and age; the pipeline board of a type (its totals per stage, and each stage's
    # first cards in index order).
    indexes=[("stage", "deleted_at", "owner_id", "amount", "forecast_amount"),
             ("revenue_month", "revenue_last_month", "deleted_at", "stage", "owner_id", "billing_method",
              "month_amount", "last_month_amount", "month_forecast", "last_month_forecast"),
             ("billing_method", "deleted_at", "stage", "owner_id"),
             ("owner_id", "expected_close_date"), ("stage", "stage_changed_at"),
             ("type", "stage", "expected_close_date", "id", "deleted_at", "owner_id", "amount", "forecast_amount")],
)


def child(name, label, singular, title_field, fields, icon):
    """A record that belongs to one opportunity (visible to whoever sees the opportunity)."""
    return Entity(name=name, label=label, label_singular=singular, title_field=title_field, owned=False,
                  icon=icon, default_sort="id", parent="opportunities",
                  fields=[Field("opportunity_id", "reference", label=_l("Opportunity"), target="opportunities",
                                required=True, list=True, index=True)] + fields)


line_items = child("opportunity_items", _l("Line items"), _l("Line item"), "product_id", [
    Field("product_id", "reference", label=_l("Product"), target="products", required=True, list=True),
    Field("options", "text", label=_l("Options"), list=True, max_length=500),
    Field("unit_cost", "money", label=_l("Unit cost"), min_value=0, default=0, extra={"cost": True}),
    Field("cost_total", "money", label=_l("Cost total"), readonly=True, extra={"cost": True}),
    Field("unit_price", "money", label=_l("Unit price"), min_value=0, list=True),
    Field("quantity", "decimal", label=_l("Quantity"), min_value=0, default=1, list=True),
    Field("sale_total", "money", label=_l("Sale total"), readonly=True, list=True),
], icon="list")

partners = child("opportunity_partners", _l("Partners"), _l("Partner"), "account_id", [
    Field("account_id", "reference", label=_l("Partner"), target="accounts", required=True, list=True),
    Field("role", "text", label=_l("Role"), list=True, max_length=200),
], icon="users")

competitors = child("opportunity_competitors", _l("Competitors"), _l("Competitor"), "name", [
    Field("name", "text", label=_l("Competitor"), required=True, list=True, search=True, max_length=200),
    Field("strengths", "longtext", label=_l("Strengths"), list=True),
    Field("weaknesses", "longtext", label=_l("Weaknesses"), list=True),
    Field("price", "money", label=_l("Their price"), min_value=0, list=True),
], icon="chess")

CHILDREN = [line_items, partners, competitors]
ALL = [opportunities] + CHILDREN

related = {
    "opportunities": [RelatedList("opportunity_items", "opportunity_id", label=_l("Line items"), order=5),
                      RelatedList("opportunity_partners", "opportunity_id", label=_l("Partners"), order=6),
                      RelatedList("opportunity_competitors", "opportunity_id", label=_l("Competitors"), order=7)],
    "accounts": [RelatedList("opportunities", "account_id", label=_l("Opportunities"), order=20)],
    "contacts": [RelatedList("opportunities", "contact_id", label=_l("Opportunities"), order=20)],
}
