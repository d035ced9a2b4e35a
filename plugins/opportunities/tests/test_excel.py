"""Excel download of the opportunity list (the core exporter), filtered like the list, costs hidden from reps."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from core.testing import ApiClient, make_user
from plugins.opportunities.tests.conftest import Pipeline


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200, response.data[:300]
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [tuple(c.value for c in row) for row in sheet.iter_rows()]


def test_the_filtered_list_downloads_as_excel(pipeline):
    pipeline.deal(title="그룹웨어 도입", amount="3000000")
    pipeline.deal(title="서버 교체", amount="5000000", stage="proposal")
    rows = sheet_rows(pipeline.api.get("/api/v1/exports/opportunities?scope=all&format=xlsx&stage=proposal"))
    assert len(rows) == 2 and any("서버 교체" in map(str, row) for row in rows[1:])


def test_a_sales_rep_download_has_no_costs(app, pipeline):
    rep = Pipeline(ApiClient(app.test_client(), make_user(app, "rep@example.com", role="sales")[1]))
    deal = rep.deal(title="내 딜")
    rep.item(deal["id"], pipeline.product(price="100", cost="60"))
    header = sheet_rows(rep.api.get("/api/v1/exports/opportunities?scope=all&format=xlsx"))[0]
    admin_header = sheet_rows(pipeline.api.get("/api/v1/exports/opportunities?scope=all&format=xlsx"))[0]
    assert set(admin_header) - set(header) == {"원가(합계)"}
