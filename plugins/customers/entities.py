"""Accounts (고객사) and contacts (담당자 / 명함)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.entities import Entity, Field, Picklist, PicklistValue, RelatedList
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
              index=True),
        Field("business_number", "text", label=_l("Business registration number"), search=True, unique=True,
              max_length=12, validators=(business_number,)),
        Field("representative", "text", label=_l("Representative"), search=True, max_length=100),
        Field("status", "picklist", label=_l("Status"), picklist="account_status", default="prospect", list=True),
        Field("industry", "picklist", label=_l("Industry"), picklist="account_industry", list=True),
        Field("phone", "phone", label=_l("Phone"), search=True, list=True),
        Field("fax", "phone", label=_l("Fax")),
        Field("email", "email", label=_l("Email"), search=True),
        Field("website", "url", label=_l("Website")),
        Field("address", "text", label=_l("Address"), max_length=300, block="address"),
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
        Field("name", "text", label=_l("Name"), required=True, search=True, list=True, max_length=100, index=True),
        Field("account_id", "reference", label=_l("Account"), target="accounts", list=True),
        Field("job_title", "text", label=_l("Job title"), list=True, max_length=100),
        Field("department", "text", label=_l("Department"), max_length=100),
        Field("mobile", "phone", label=_l("Mobile"), search=True, list=True),
        Field("direct_line", "phone", label=_l("Direct line"), search=True),
        Field("email", "email", label=_l("Email"), search=True, list=True),
    ],
)


def labels(ko: str, zh: str, en: str) -> dict:
    return {"ko": ko, "zh_Hans": zh, "en": en}


picklists = [
    Picklist("account_status", [
        PicklistValue("prospect", labels("잠재고객", "潜在客户", "Prospect"), colour="#90a4ae"),
        PicklistValue("normal", labels("일반", "普通", "Normal"), colour="#1e88e5"),
        PicklistValue("vip", labels("VIP", "VIP", "VIP"), colour="#f4511e"),
        PicklistValue("agent", labels("대리점", "代理商", "Agent"), colour="#8e24aa"),
        PicklistValue("partner", labels("협력사", "合作伙伴", "Partner"), colour="#43a047"),
        PicklistValue("invalid", labels("무효", "无效", "Invalid"), colour="#757575"),
    ]),
    Picklist("account_industry", [
        PicklistValue("manufacturing", labels("제조", "制造业", "Manufacturing")),
        PicklistValue("it", labels("IT·통신", "IT·通信", "IT & telecom")),
        PicklistValue("distribution", labels("유통", "流通", "Distribution")),
        PicklistValue("construction", labels("건설", "建筑", "Construction")),
        PicklistValue("service", labels("서비스", "服务业", "Services")),
        PicklistValue("public", labels("공공", "公共机构", "Public sector")),
        PicklistValue("other", labels("기타", "其他", "Other")),
    ]),
]

related = {"accounts": [RelatedList("contacts", "account_id", label=_l("Contacts"), order=10)]}
