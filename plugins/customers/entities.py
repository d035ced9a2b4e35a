"""Accounts (고객사), contacts (담당자 / 명함), activities (영업 활동), visit logs (방문일지)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.entities import Entity, Field, RelatedList
from plugins.customers.picklists import picklists  # noqa: F401  (re-exported for the hook)
from plugins.customers.validators import business_number

accounts = Entity(
    name="accounts",
    label=_l("Accounts"),
    label_singular=_l("Account"),
    title_field="name",
    numbering="ACC-{YYYY}-{#####}",
    icon="building",
    fields=[
        Field("name", "text", label=_l("Account name"), required=True, search=True, list=True, max_length=200,
              index=True, aliases=("고객명", "고객사", "고객사명", "거래처", "거래처명", "회사명", "업체명", "상호", "상호명",
                                   "법인명", "company", "company name", "customer", "客户", "客户名称", "公司名称",
                                   "单位名称", "企业名称")),
        Field("kind", "picklist", label=_l("Account type"), picklist="account_kind", default="company"),
        Field("alias", "text", label=_l("Alias"), search=True, max_length=200),
        Field("customer_code", "text", label=_l("Customer code"), search=True, unique=True, list=True,
              max_length=40, help=_l("Generated from the registration date when left empty.")),
        Field("registered_on", "date", label=_l("Registration date")),
        Field("business_number", "text", label=_l("Business registration number"), search=True, unique=True,
              max_length=12, validators=(business_number,),
              aliases=("사업자번호", "사업자등록번호", "사업자 번호", "등록번호", "business number", "营业执照号")),
        Field("representative", "text", label=_l("Representative"), search=True, max_length=100,
              aliases=("대표", "대표자명", "대표이사", "CEO", "法人", "法人代表")),
        Field("status", "picklist", label=_l("Status"), picklist="account_status", default="prospect", list=True),
        Field("industry", "picklist", label=_l("Industry"), picklist="account_industry", list=True),
        Field("source", "picklist", label=_l("Source"), picklist="account_source"),
        Field("region", "picklist", label=_l("Region"), picklist="account_region"),
        Field("phone", "phone", label=_l("Phone"), search=True, list=True,
              aliases=("전화", "전화번호", "대표전화", "대표번호", "연락처", "TEL", "电话", "联系电话")),
        Field("fax", "phone", label=_l("Fax"), aliases=("팩스", "팩스번호", "FAX", "传真")),
        Field("email", "email", label=_l("Email"), search=True, aliases=("이메일", "메일", "e-mail", "邮箱", "电子邮件")),
        Field("website", "url", label=_l("Website"), aliases=("홈페이지", "웹사이트", "homepage", "网址", "网站")),
        Field("address", "text", label=_l("Address"), max_length=300, block="address",
              aliases=("주소", "소재지", "사업장주소", "地址")),
        Field("is_hot", "boolean", label=_l("Hot customer"), default=False, list=True),
        Field("hot_reason", "text", label=_l("Reason (hot customer)"), max_length=300),
        Field("heat_level", "integer", label=_l("Heat level"), min_value=1, max_value=5,
              help=_l("1 (warm) to 5 (hottest).")),
        Field("parent_id", "reference", label=_l("Parent account"), target="accounts"),
        Field("stopped_on", "date", label=_l("Stopped date"), help=_l("The day business with the customer stopped.")),
        Field("credit_limit", "money", label=_l("Credit limit"), min_value=0),
        Field("is_supplier", "boolean", label=_l("Supplier"), default=False,
              help=_l("We buy from this account (purchase orders name suppliers)."),
              aliases=("공급자", "공급처", "供应商")),
        Field("last_contact_at", "datetime", label=_l("Last contact"), readonly=True, index=True,
              help=_l("The latest completed call, meeting or visit.")),
        Field("description", "longtext", label=_l("Description"), block="description"),
    ],
    indexes=[("status", "name")],
)

contacts = Entity(
    name="contacts",
    label=_l("Contacts"),
    label_singular=_l("Contact"),
    title_field="name",
    icon="id-card",
    fields=[
        Field("name", "text", label=_l("Name"), required=True, search=True, list=True, max_length=100, index=True,
              aliases=("이름", "성명", "담당자", "담당자명", "姓名", "联系人")),
        Field("account_id", "reference", label=_l("Account"), target="accounts", list=True,
              aliases=("회사", "회사명", "고객사", "거래처", "거래처명", "업체명", "company", "公司", "客户", "公司名称")),
        Field("job_title", "text", label=_l("Job title"), list=True, max_length=100,
              aliases=("직급", "직위", "직책", "title", "职位", "职务")),
        Field("department", "text", label=_l("Department"), search=True, max_length=100,
              aliases=("부서", "부서명", "部门")),
        Field("duty", "text", label=_l("Duty"), max_length=200),
        Field("employment_status", "picklist", label=_l("Employment status"), picklist="contact_employment",
              default="employed"),
        Field("mobile", "phone", label=_l("Mobile"), search=True, list=True,
              aliases=("휴대폰", "휴대전화", "핸드폰", "휴대폰번호", "mobile phone", "cell", "手机", "手机号")),
        Field("direct_line", "phone", label=_l("Direct line"), search=True,
              aliases=("직통", "직통번호", "직통전화", "회사전화", "전화", "전화번호", "办公电话")),
        Field("extension", "text", label=_l("Extension"), max_length=10),
        Field("fax", "phone", label=_l("Fax")),
        Field("email", "email", label=_l("Email"), search=True, list=True),
        Field("homepage", "url", label=_l("Homepage")),
        Field("groups", "multipicklist", label=_l("Groups"), picklist="contact_groups"),
        Field("birthday", "date", label=_l("Birthday")),
        Field("address", "text", label=_l("Address"), max_length=300, block="address"),
        Field("description", "longtext", label=_l("Description"), block="description"),
    ],
)

activities = Entity(
    name="activities",
    label=_l("Activities"),
    label_singular=_l("Activity"),
    title_field="subject",
    icon="calendar",
    default_sort="-start_at",
    fields=[
        Field("subject", "text", label=_l("Subject"), required=True, search=True, list=True, max_length=200),
        Field("type", "picklist", label=_l("Activity type"), picklist="activity_type", default="call", list=True),
        Field("status", "picklist", label=_l("Status"), picklist="activity_status", default="planned", list=True),
        Field("account_id", "reference", label=_l("Account"), target="accounts", list=True),
        Field("contact_id", "reference", label=_l("Contact"), target="contacts"),
        Field("related_entity", "text", label=_l("Related record type"), max_length=64),
        Field("related_id", "integer", label=_l("Related record"), min_value=1),
        Field("start_at", "datetime", label=_l("Start"), list=True, index=True),
        Field("end_at", "datetime", label=_l("End")),
        Field("all_day", "boolean", label=_l("All day"), default=False),
        Field("location", "text", label=_l("Location"), max_length=200),
        Field("reminder_at", "datetime", label=_l("Reminder")),
        Field("completed_at", "datetime", label=_l("Completed"), readonly=True),
        Field("confirmed", "boolean", label=_l("Completion confirmed"), default=False,
              help=_l("Tasks: the creator confirms the assignee's completion.")),
        Field("confirmed_at", "datetime", label=_l("Confirmed at"), readonly=True),
        Field("confirmed_by_id", "user", label=_l("Confirmed by"), readonly=True),
        Field("description", "longtext", label=_l("Description"), search=True, block="description"),
    ],
    indexes=[("account_id", "status", "start_at"), ("related_entity", "related_id")],
)

visit_templates = Entity(
    name="visit_templates",
    label=_l("Visit log templates"),
    label_singular=_l("Visit log template"),
    title_field="name",
    icon="file-text",
    sharing="public_read",
    default_sort="name",
    fields=[
        Field("name", "text", label=_l("Template name"), required=True, unique=True, list=True, max_length=100),
        Field("body", "longtext", label=_l("HTML template"), required=True,
              help=_l("HTML with {{ account.name }}, {{ visit.purpose }}, {{ contact.name }}, {{ visitor }} ...")),
        Field("active", "boolean", label=_l("Active"), default=True, list=True),
    ],
)

visit_logs = Entity(
    name="visit_logs",
    label=_l("Visit logs"),
    label_singular=_l("Visit log"),
    title_field="purpose",
    numbering="VL-{YYYY}{MM}-{####}",
    icon="map-pin",
    default_sort="-visit_date",
    fields=[
        Field("account_id", "reference", label=_l("Account"), target="accounts", required=True, list=True),
        Field("contact_id", "reference", label=_l("Contact"), target="contacts"),
        Field("written_on", "date", label=_l("Written on")),
        Field("visit_date", "date", label=_l("Visit date"), required=True, list=True, index=True),
        Field("visit_time", "text", label=_l("Visit time"), max_length=20),
        Field("purpose", "text", label=_l("Visit purpose"), required=True, search=True, list=True, max_length=300),
        Field("status", "picklist", label=_l("Status"), picklist="activity_status", default="planned", list=True),
        Field("template_id", "reference", label=_l("Document template"), target="visit_templates"),
        Field("document", "longtext", label=_l("Document"),
              help=_l("Written from the chosen template; edit it freely before printing.")),
    ],
)

ENTITIES = [accounts, contacts, activities, visit_templates, visit_logs]

related = {
    "accounts": [
        RelatedList("contacts", "account_id", label=_l("Contacts"), order=10),
        RelatedList("activities", "account_id", label=_l("Activities"), order=20),
        RelatedList("visit_logs", "account_id", label=_l("Visit logs"), order=30),
        RelatedList("accounts", "parent_id", label=_l("Sub-accounts"), order=40),
    ],
    "contacts": [RelatedList("activities", "contact_id", label=_l("Activities"), order=20)],
}
