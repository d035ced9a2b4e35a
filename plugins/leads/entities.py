"""Leads (잠재고객 / 线索): an inquiry not yet qualified into an account, a contact and a deal."""
from __future__ import annotations

from core.entities import Entity, Field, Picklist, picklist_values
from core.plugin_api import translator
from plugins.customers.validators import business_number

_, _l = translator("leads")


STATUSES = ("new", "contacted", "qualified", "disqualified", "converted")

picklists = [
    Picklist("lead_status", picklist_values(
        ("new", "신규", "新线索", "New"),
        ("contacted", "연락함", "已联系", "Contacted"),
        ("qualified", "검증됨", "已确认", "Qualified"),
        ("disqualified", "제외", "无效", "Disqualified"),
        ("converted", "전환됨", "已转换", "Converted"),
        colours={"new": "#1e88e5", "contacted": "#fb8c00", "qualified": "#43a047", "disqualified": "#757575",
                 "converted": "#8e24aa"},
    )),
    Picklist("lead_source", picklist_values(
        ("website", "홈페이지", "官网", "Website"),
        ("web_form", "웹 양식", "在线表单", "Web form"),
        ("referral", "소개", "转介绍", "Referral"),
        ("exhibition", "전시회", "展会", "Exhibition"),
        ("cold_call", "TM·콜드콜", "电话营销", "Cold call"),
        ("advertisement", "광고", "广告", "Advertisement"),
        ("partner", "협력사", "合作伙伴", "Partner"),
        ("other", "기타", "其他", "Other"),
    )),
    Picklist("lead_disqualify_reason", picklist_values(
        ("no_budget", "예산 없음", "无预算", "No budget"),
        ("no_need", "수요 없음", "无需求", "No need"),
        ("competitor", "경쟁사 선택", "选择了竞争对手", "Chose a competitor"),
        ("unreachable", "연락 불가", "联系不上", "Unreachable"),
        ("spam", "스팸·장난", "垃圾信息", "Spam"),
        ("other", "기타", "其他", "Other"),
    )),
]

leads = Entity(
    name="leads",
    label=_l("Leads"),
    label_singular=_l("Lead"),
    title_field="name",
    numbering="LEAD-{YYYY}{MM}-{####}",
    icon="inbox",
    menu_group="sales",
    menu_order=10,
    list_columns=["name", "company", "phone", "source", "status", "owner_id", "created_at"],
    fields=[
        Field("name", "text", label=_l("Name"), required=True, search=True, list=True, max_length=100,
              aliases=("이름", "성명", "담당자", "姓名", "联系人")),
        Field("company", "text", label=_l("Company"), search=True, list=True, max_length=200,
              aliases=("회사", "회사명", "상호", "公司", "公司名称")),
        Field("job_title", "text", label=_l("Job title"), max_length=100, aliases=("직급", "직위", "职位")),
        Field("phone", "phone", label=_l("Phone"), search=True, list=True, aliases=("전화", "전화번호", "电话")),
        Field("mobile", "phone", label=_l("Mobile"), search=True, aliases=("휴대폰", "핸드폰", "手机")),
        Field("email", "email", label=_l("Email"), search=True, list=True, aliases=("이메일", "邮箱")),
        Field("business_number", "text", label=_l("Business registration number"), search=True, max_length=12,
              validators=(business_number,), aliases=("사업자번호", "사업자등록번호", "营业执照号")),
        Field("source", "picklist", label=_l("Lead source"), picklist="lead_source", list=True,
              aliases=("유입경로", "출처", "来源")),
        Field("campaign", "text", label=_l("Campaign"), max_length=200, aliases=("캠페인", "市场活动")),
        Field("status", "picklist", label=_l("Lead status"), picklist="lead_status", default="new", list=True,
              index=True),
        Field("disqualified_reason", "picklist", label=_l("Reason (disqualified)"),
              picklist="lead_disqualify_reason"),
        Field("marketing_consent", "boolean", label=_l("Consent to marketing"), default=False,
              aliases=("마케팅 수신 동의", "营销同意")),
        Field("consent_at", "datetime", label=_l("Consent given at"), readonly=True),
        Field("description", "longtext", label=_l("Description"), search=True, block="description"),
        Field("converted_at", "datetime", label=_l("Converted at"), readonly=True, block="conversion"),
        Field("converted_account_id", "reference", label=_l("Converted to account"), target="accounts",
              readonly=True, block="conversion"),
        Field("converted_contact_id", "reference", label=_l("Converted to contact"), target="contacts",
              readonly=True, block="conversion"),
        Field("converted_opportunity_id", "integer", label=_l("Converted to opportunity"), readonly=True,
              block="conversion"),
    ],
    blocks={"conversion": _l("Conversion")},
    indexes=[("status", "created_at"), ("source", "status")],
)
