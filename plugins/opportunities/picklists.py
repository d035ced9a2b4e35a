"""Default picklists: types, sources, stages (with probability, kind and required actions), actions.

A stage value's ``extra`` holds ``probability`` (0-100), ``kind`` (``open``,
``won`` or ``lost``), ``required_actions`` (values of ``opportunity_action``
that must be completed before the deal may advance past this stage) and
``types`` (the opportunity types the stage belongs to; empty: every type).
Administrators edit all of it through the picklist API afterwards.
"""
from __future__ import annotations

from core.plugin_api import Picklist, picklist_value


def stage(value, ko, zh, en, probability, kind="open", required=(), colour=None):
    return picklist_value(value, ko, zh, en, colour, extra={"probability": probability, "kind": kind,
                                                            "required_actions": list(required), "types": []})


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
        picklist_value("new", "신규", "新业务", "New business"),
        picklist_value("upsell", "추가 판매", "增购", "Upsell"),
        picklist_value("renewal", "재계약·유지보수", "续约·维护", "Renewal / maintenance"),
    ]),
    Picklist("opportunity_source", [
        picklist_value("campaign", "캠페인", "市场活动", "Campaign"),
        picklist_value("website", "홈페이지", "官网", "Website"),
        picklist_value("referral", "소개", "转介绍", "Referral"),
        picklist_value("partner", "협력사", "合作伙伴", "Partner"),
        picklist_value("exhibition", "전시회", "展会", "Exhibition"),
        picklist_value("cold_call", "콜드콜", "陌生拜访", "Cold call"),
        picklist_value("existing", "기존 고객", "老客户", "Existing customer"),
    ]),
    STAGES,
    Picklist("opportunity_action", [
        picklist_value("first_meeting", "첫 미팅", "首次拜访", "First meeting"),
        picklist_value("needs_confirmed", "요구사항 확인", "确认需求", "Needs confirmed"),
        picklist_value("demo", "데모 시연", "产品演示", "Demo given"),
        picklist_value("proposal_sent", "제안서 제출", "提交方案", "Proposal sent"),
        picklist_value("quote_sent", "견적서 제출", "提交报价", "Quote sent"),
    ]),
    Picklist("opportunity_billing", [
        picklist_value("lump_sum", "일시불", "一次性", "Lump sum"),
        picklist_value("monthly", "월납", "按月", "Monthly"),
        picklist_value("installments", "분납", "分期", "Installments"),
    ]),
    Picklist("opportunity_lost_reason", [
        picklist_value("price", "가격", "价格", "Price"),
        picklist_value("competitor", "경쟁사 선택", "选择竞争对手", "Chose a competitor"),
        picklist_value("no_budget", "예산 없음", "无预算", "No budget"),
        picklist_value("no_decision", "의사결정 보류", "搁置决策", "No decision"),
        picklist_value("features", "기능 부족", "功能不足", "Missing features"),
        picklist_value("timing", "시기 부적합", "时机不合适", "Timing"),
    ]),
]
