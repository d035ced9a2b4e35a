"""Service receipts (AS 접수 · 고객접수 / 服务受理): what a customer asked on the phone, and what was answered.

NewZen's 고객관리 하단: received at, customer, phone, contact, receiver (접수자), handler (처리자),
category (접수구분), path (접수경로), major/minor classification (접수 대/중분류), content (접수내용),
answer (처리답변), status (처리유무: open, on hold, done) and the call it came from.  Attachments
(올리기) are the core's, on every record.
"""
from __future__ import annotations

from core import clock
from core.entities import Entity, Field, Picklist, picklist_values
from core.plugin_api import translator

_, _l = translator("cti_lg")

OPEN, ON_HOLD, DONE = "open", "on_hold", "done"


picklists = [
    Picklist("receipt_category", picklist_values(
        ("as", "고객AS", "售后服务", "AS (service)"),
        ("sales", "영업상담", "销售咨询", "Sales consultation"),
        ("after_sales", "사후컨설팅", "售后咨询", "After-sales consulting"),
        ("complaint", "고객불만접수", "客户投诉", "Complaint"),
        ("other", "기타", "其他", "Other"),
    )),
    Picklist("receipt_path", picklist_values(
        ("phone", "전화", "电话", "Phone"),
        ("web", "웹", "网页", "Web"),
        ("visit", "방문", "上门", "Visit"),
    )),
    Picklist("receipt_major", picklist_values(
        ("product", "제품", "产品", "Product"),
        ("service", "서비스", "服务", "Service"),
        ("billing", "청구·결제", "账单·付款", "Billing"),
        ("delivery", "배송", "配送", "Delivery"),
    )),
    Picklist("receipt_minor", picklist_values(
        ("inquiry", "문의", "咨询", "Inquiry"),
        ("fault", "고장", "故障", "Fault"),
        ("installation", "설치", "安装", "Installation"),
        ("education", "교육", "培训", "Training"),
        ("order", "주문", "订购", "Order"),
    )),
    Picklist("receipt_status", picklist_values(
        (OPEN, "미처리", "未处理", "Open"),
        (ON_HOLD, "보류", "挂起", "On hold"),
        (DONE, "완료", "完成", "Done"),
        colours={OPEN: "#1e88e5", ON_HOLD: "#fb8c00", DONE: "#43a047"},
    )),
]

service_receipts = Entity(
    name="service_receipts",
    label=_l("Service receipts"),
    label_singular=_l("Service receipt"),
    title_field="number",
    numbering="AS-{YYYY}{MM}-{####}",
    icon="headset",
    default_sort="-received_at",
    list_columns=["number", "received_at", "category", "account_id", "phone", "receiver_id", "handler_id",
                  "content", "status"],
    fields=[
        Field("received_at", "datetime", label=_l("Received at"), list=True, index=True, default=clock.now,
              aliases=("접수일자", "접수일시", "受理时间")),
        Field("account_id", "reference", label=_l("Account"), target="accounts", list=True, index=True,
              aliases=("거래처", "거래처명", "고객", "客户")),
        Field("contact_id", "reference", label=_l("Contact"), target="contacts"),
        Field("phone", "phone", label=_l("Phone"), search=True, list=True, aliases=("전화번호", "电话")),
        Field("receiver_id", "user", label=_l("Received by"), list=True, aliases=("접수자", "受理人")),
        Field("handler_id", "user", label=_l("Handled by"), list=True, aliases=("처리자", "处理人")),
        Field("category", "picklist", label=_l("Receipt category"), picklist="receipt_category", default="as",
              list=True, aliases=("접수구분", "受理类型")),
        Field("path", "picklist", label=_l("Receipt path"), picklist="receipt_path", default="phone",
              aliases=("접수경로", "受理渠道")),
        Field("major", "picklist", label=_l("Major classification"), picklist="receipt_major",
              aliases=("대분류", "大类")),
        Field("minor", "picklist", label=_l("Minor classification"), picklist="receipt_minor",
              aliases=("중분류", "小类")),
        Field("content", "longtext", label=_l("Content"), search=True, list=True, required=True,
              aliases=("접수내용", "접수사항", "受理内容")),
        Field("answer", "longtext", label=_l("Answer"), search=True, aliases=("처리답변", "처리사항", "处理答复")),
        Field("status", "picklist", label=_l("Status"), picklist="receipt_status", default=OPEN, list=True,
              index=True, aliases=("처리유무", "状态")),
        Field("handled_at", "datetime", label=_l("Handled at"), readonly=True),
        Field("call_id", "integer", label=_l("Call"), min_value=1, readonly=True),
    ],
    indexes=[("status", "received_at")],
)
