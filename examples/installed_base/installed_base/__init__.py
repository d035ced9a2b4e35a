"""installed_base: products installed at a customer (NewZen 고객정보 > 제품관리), the example of docs/plugins.md."""
import datetime as dt

from core.plugin_api import (Entity, Field, Manifest, Picklist, PicklistValue, RelatedList, ValidationError,
                             hookimpl, today, translator)

_, _l = translator("installed_base")
manifest = Manifest(name="installed_base", version="1.1.0", label="Installed base", depends=("customers",))

installations = Entity(
    name="installations", label=_l("Installed products"), label_singular=_l("Installed product"),
    title_field="product_name", numbering="INS-{YYYY}-{####}", icon="box",
    fields=[
        Field("account_id", "reference", label=_l("Account"), target="accounts", required=True, list=True),
        Field("product_name", "text", label=_l("Product"), required=True, search=True, list=True, max_length=200),
        Field("product_line", "picklist", label=_l("Product line"), picklist="installed_base_lines", list=True),
        Field("contract", "picklist", label=_l("Maintenance contract"), picklist="installed_base_contracts",
              default="free", list=True),
        Field("module", "text", label=_l("Module"), max_length=100),
        Field("licence_key", "text", label=_l("Licence key"), unique=True, search=True, list=True, max_length=100),
        Field("users", "integer", label=_l("Number of users"), min_value=1, default=1, list=True),
        Field("free_maintenance_end", "date", label=_l("Free maintenance until"), list=True),
        Field("paid_maintenance_end", "date", label=_l("Paid maintenance until"), list=True, index=True),
        Field("note", "longtext", label=_l("Note")),
    ],
)


def choices(*rows) -> list[PicklistValue]:
    return [PicklistValue(value, {"ko": ko, "zh_Hans": zh, "en": en}) for value, ko, zh, en in rows]


PICKLISTS = [
    Picklist("installed_base_lines", choices(("erp", "ERP", "ERP", "ERP"), ("groupware", "그룹웨어", "协同办公", "Groupware"),
                                             ("tax", "세무회계", "税务会计", "Tax accounting")), label=_l("Product line")),
    Picklist("installed_base_contracts", choices(("free", "무상", "免费", "Free"), ("paid", "유상", "付费", "Paid"),
                                                 ("none", "미계약", "未签约", "None")), label=_l("Maintenance contract")),
]


def maintenance_days_left(*end_dates, today_: dt.date | None = None) -> int | None:
    """Days until the later maintenance end date (negative once it passed); None without any date."""
    dates = [dt.date.fromisoformat(d) if isinstance(d, str) else d for d in end_dates if d]
    return (max(dates) - (today_ or today())).days if dates else None


@hookimpl
def crm_entities():
    return [installations]


@hookimpl
def crm_picklists():
    return PICKLISTS


@hookimpl
def crm_before_save(entity, values, old, user):
    """The rule: paid maintenance cannot end before the free maintenance does."""
    free, paid = values.get("free_maintenance_end"), values.get("paid_maintenance_end")
    if entity.name == "installations" and free and paid and paid < free:
        raise ValidationError(_("Some fields are not valid."),
                              {"paid_maintenance_end": _("Paid maintenance must end after the free maintenance.")})


@hookimpl
def crm_related_lists(entity):
    return [RelatedList("installations", "account_id", label=_l("Installed products"), order=30)] \
        if entity.name == "accounts" else []


@hookimpl
def crm_record_panels(entity):
    return [dict(title=_l("Installed products"), template="installed_base/panel.html", order=30)] \
        if entity.name == "accounts" else []


@hookimpl
def crm_workflow_functions():
    return {"maintenance_days_left": maintenance_days_left}
