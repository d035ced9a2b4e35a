"""Each sales report as an Excel sheet: a header row, then the report's rows (text made formula-safe)."""
from __future__ import annotations

import io
import re
from decimal import Decimal

from openpyxl import Workbook

from core.importexport.export import neutralise
from core.plugin_api import translator
from core.security.users import names_of
from plugins.opportunities import reports

_, _l = translator("opportunities")

SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")  # characters Excel refuses in a sheet name


def funnel(user, args):
    data = reports.funnel(user, args)["data"]
    return ([_("Stage"), _("Count"), _("Share"), _("Amount"), _("Forecast amount"), _("Conversion")],
            [[r["label"], r["count"], r["share"], Decimal(r["amount"]), Decimal(r["weighted"]), r["conversion"]]
             for r in data])


def forecast(user, args):
    data = reports.forecast(user, args)["data"]
    return ([_("Month"), _("Deals"), _("Amount"), _("Forecast amount")],
            [[r["month"], r["deals"], Decimal(r["amount"]), Decimal(r["weighted"])] for r in data])


def breakdown_sheet(by: str, heading):
    def sheet(user, args):
        data = reports.breakdown(user, {**args, "by": by})["data"]
        return ([heading(), _("Count"), _("Amount"), _("Forecast amount")],
                [[str(r["label"]), r["count"], Decimal(r["amount"]), Decimal(r["weighted"])] for r in data])
    return sheet


def stuck(user, args):
    data = reports.stuck(user, {**args, "limit": "500"})["data"]
    owners = names_of(r["owner_id"] for r in data)
    return ([_("Opportunity"), _("Number"), _("Account"), _("Stage"), _("Owner"), _("Days in stage"), _("Amount")],
            [[r["title"], r["number"], account_text(r), r["stage_label"], owners.get(r["owner_id"]),
              r["days_in_stage"], Decimal(r["amount"])] for r in data])


def account_text(row: dict) -> str | None:
    """A stuck deal's customer as text: its name, or that the user may not see it (never its name)."""
    if row.get("account_id") is None:
        return None
    return str(row["account"]) if row.get("account") is not None else _("a record that you cannot see")


def won_lost(user, args):
    data = reports.won_lost(user, args)
    rows = [[_("Won"), data["won"]["count"], Decimal(data["won"]["amount"])],
            [_("Lost"), data["lost"]["count"], Decimal(data["lost"]["amount"])]]
    rows += [[_("Lost reason") + ": " + r["label"], r["count"], Decimal(r["amount"])] for r in data["lost_reasons"]]
    rows += [[_("Lost to competitor") + ": " + r["name"], r["count"], Decimal(r["amount"])]
             for r in data["competitors"]]
    return [_("Result"), _("Count"), _("Amount")], rows


SHEETS = {"funnel": funnel, "forecast": forecast, "by-owner": breakdown_sheet("owner_id", lambda: _("Owner")),
          "by-source": breakdown_sheet("source", lambda: _("Source")),
          "by-account": breakdown_sheet("account_id", lambda: _("Account")), "stuck": stuck, "won-lost": won_lost}


def workbook(name: str, title: str, user, args: dict) -> bytes:
    """The report ``name`` (a key of SHEETS) as an .xlsx file."""
    headers, rows = SHEETS[name](user, args)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=SHEET_TITLE_FORBIDDEN.sub(" ", title)[:31])
    ws.append(headers)
    for row in rows:
        ws.append([neutralise(v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
