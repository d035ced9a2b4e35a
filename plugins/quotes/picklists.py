"""Default picklists: quote status (NewZen's tabs), approval, line kinds, order and payment status.

``quote_override_roles`` lists the role names holding the ``override_credit``
right (confirming an order over the customer's credit limit, with a reason);
the administrator edits it like any picklist, as products do for cost prices.
"""
from __future__ import annotations

from core.entities import Picklist
from core.plugin_api import picklist_value, translator

_, _l = translator("quotes")


OVERRIDE_ROLES = "quote_override_roles"

PICKLISTS = [
    Picklist("quote_status", [
        picklist_value("draft", "작성중", "草稿", "Draft", "#90a4ae"),
        picklist_value("in_progress", "견적진행", "进行中", "In progress", "#42a5f5"),
        picklist_value("accepted", "신청완료", "已接受", "Accepted", "#43a047"),
        picklist_value("cancelled", "견적취소", "已取消", "Cancelled", "#757575"),
        picklist_value("expired", "유효기간초과", "已过期", "Expired", "#ef6c00"),
    ]),
    Picklist("quote_approval", [
        picklist_value("none", "미상신", "未提交", "Not submitted"),
        picklist_value("pending", "결재대기", "待审批", "Awaiting approval", "#ffb300"),
        picklist_value("approved", "결재완료", "已审核", "Approved", "#43a047"),
        picklist_value("rejected", "반려", "已驳回", "Rejected", "#e53935"),
    ]),
    Picklist("quote_line_kind", [
        picklist_value("item", "품목", "产品", "Item"),
        picklist_value("text", "설명", "说明", "Free text"),
        picklist_value("subtotal", "소계", "小计", "Subtotal"),
    ]),
    Picklist("sales_order_status", [
        picklist_value("draft", "미확정", "未确认", "Not confirmed", "#90a4ae"),
        picklist_value("open", "주문확정", "已确认", "Open", "#42a5f5"),
        picklist_value("partially_shipped", "부분출고", "部分发货", "Partially shipped", "#ffb300"),
        picklist_value("shipped", "출고완료", "已发货", "Shipped", "#43a047"),
        picklist_value("cancelled", "주문취소", "已取消", "Cancelled", "#757575"),
    ]),
    Picklist("sales_order_payment", [
        picklist_value("unpaid", "미수", "未付款", "Unpaid"),
        picklist_value("partially_paid", "부분입금", "部分付款", "Partially paid"),
        picklist_value("paid", "입금완료", "已付款", "Paid"),
    ]),
    Picklist(OVERRIDE_ROLES, [
        picklist_value("owner", "대표", "总经理", "Owner"),
        picklist_value("director", "이사", "总监", "Director"),
    ], label=_l("Roles that may confirm orders over the credit limit")),
]
