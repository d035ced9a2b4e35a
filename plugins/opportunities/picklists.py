"""Default picklists: types, sources, stages (with probability, kind and required actions), actions.

A stage value's ``extra`` holds ``probability`` (0-100), ``kind`` (``open``,
``won`` or ``lost``), ``required_actions`` (values of ``opportunity_action``
that must be completed before the deal may advance past this stage) and
``types`` (the opportunity types the stage belongs to; empty: every type).
Administrators edit all of it through the picklist API afterwards.
"""
from __future__ import annotations

from core.entities import Picklist, PicklistValue


def labels(ko: str, zh: str, en: str) -> dict:
    return {"ko": ko, "zh_Hans": zh, "en": en}


def stage(value, ko, zh, en, probability, kind="open", required=(), colour=None):
    return PicklistValue(value, labels(ko, zh, en), colour=colour,
                         extra={"probability": probability, "kind": kind, "required_actions": list(required),
                                "types": []})


STAGES = Picklist("opportunity_stage", [
    stage("prospecting", "발굴", "初步接洽", "Prospecting", 10, required=["first_meeting"], colour="#90a4ae"),
    stage("qualification", "검증", "需求确认", "Qualification", 20, required=["needs_confirmed"], colour="#64b5f6"),
    stage("needs_analysis", "요구 분석", "需求分析", "Needs analysis", 30, colour="#4fc3f7"),
    stage("proposal", "제안", "方案报价", "Proposal", 50, required=["proposal_sent"], colour="#ffb74d"),
    stage("negotiation", "협상", "谈判审核", "Negotiation", 80, colour="#ff8a65"),
    stage("won", "수주", "赢单", "Won", 100, kind="won", colour="#43a047"),
    stage("lost", "실패", "丢单", "Lost", 0, kind="lost", colour="#757575"),
])

PICKLISTS = [
    Picklist("opportunity_type", [
        PicklistValue("new", labels("신규", "新业务", "New business")),
        PicklistValue("upsell", labels("추가 판매", "增购", "Upsell")),
        PicklistValue("renewal", labels("재계약·유지보수", "续约·维护", "Renewal / maintenance")),
    ]),
    Picklist("opportunity_source", [
        PicklistValue("campaign", labels("캠페인", "市场活动", "Campaign")),
        PicklistValue("website", labels("홈페이지", "官网", "Website")),
        PicklistValue("referral", labels("소개", "转介绍", "Referral")),
        PicklistValue("partner", labels("협력사", "合作伙伴", "Partner")),
        PicklistValue("exhibition", labels("전시회", "展会", "Exhibition")),
        PicklistValue("cold_call", labels("콜드콜", "陌生拜访", "Cold call")),
        PicklistValue("existing", labels("기존 고객", "老客户", "Existing customer")),
    ]),
    STAGES,
    Picklist("opportunity_action", [
        PicklistValue("first_meeting", labels("첫 미팅", "首次拜访", "First meeting")),
        PicklistValue("needs_confirmed", labels("요구사항 확인", "确认需求", "Needs confirmed")),
        PicklistValue("demo", labels("데모 시연", "产品演示", "Demo given")),
        PicklistValue("proposal_sent", labels("제안서 제출", "提交方案", "Proposal sent")),
        PicklistValue("quote_sent", labels("견적서 제출", "提交报价", "Quote sent")),
    ]),
    Picklist("opportunity_billing", [
        PicklistValue("lump_sum", labels("일시불", "一次性", "Lump sum")),
        PicklistValue("monthly", labels("월납", "按月", "Monthly")),
        PicklistValue("installments", labels("분납", "分期", "Installments")),
    ]),
    Picklist("opportunity_lost_reason", [
        PicklistValue("price", labels("가격", "价格", "Price")),
        PicklistValue("competitor", labels("경쟁사 선택", "选择竞争对手", "Chose a competitor")),
        PicklistValue("no_budget", labels("예산 없음", "无预算", "No budget")),
        PicklistValue("no_decision", labels("의사결정 보류", "搁置决策", "No decision")),
        PicklistValue("features", labels("기능 부족", "功能不足", "Missing features")),
        PicklistValue("timing", labels("시기 부적합", "时机不合适", "Timing")),
    ]),
]
