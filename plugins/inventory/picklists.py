"""Purchase-order status, and the role lists holding the plugin's two special rights.

``inventory_admin_roles``: roles that post movements in every warehouse and
manage keepers (the inventory-admin right).  ``inventory_cancel_roles``: roles
that may cancel a posted stock document or an ordered purchase order (the seed:
"Boss 사용자만 ... 취소할 수 있습니다", so the owner role by default).
Administrators hold both and edit the lists like any picklist.
"""
from __future__ import annotations

from core.entities import Picklist
from core.plugin_api import picklist_value


ADMIN_ROLES = "inventory_admin_roles"
CANCEL_ROLES = "inventory_cancel_roles"

PICKLISTS = [
    Picklist("purchase_order_status", [
        picklist_value("draft", "작성중", "草稿", "Draft", "#90a4ae"),
        picklist_value("ordered", "발주완료", "已下单", "Ordered", "#42a5f5"),
        picklist_value("partially_received", "부분입고", "部分入库", "Partially received", "#ffb300"),
        picklist_value("received", "입고완료", "已入库", "Received", "#43a047"),
        picklist_value("cancelled", "발주취소", "已取消", "Cancelled", "#757575"),
    ]),
    Picklist(ADMIN_ROLES, [picklist_value("owner", "대표", "总经理", "Owner")]),
    Picklist(CANCEL_ROLES, [picklist_value("owner", "대표", "总经理", "Owner")]),
]
