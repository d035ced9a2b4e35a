"""Helpers shared by the import/export tests (no tests here): files in every format, uploads."""
from __future__ import annotations

import csv
import io

import openpyxl

HEADERS = ["Account name", "business_number", "Status", "Phone", "E-mail"]


def brn(i: int) -> str:
    """A valid business registration number for index ``i`` (checksum computed)."""
    from plugins.customers.validators import WEIGHTS

    base = f"{100 + i // 100000:03d}{(i // 1000) % 100:02d}{i % 1000:03d}1"[:9]
    digits = [int(c) for c in base]
    total = sum(n * w for n, w in zip(digits, WEIGHTS)) + (digits[8] * 5) // 10
    return base + str((10 - total % 10) % 10)


def xlsx_bytes(rows: list[list], title: str = "Sheet") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)
    return text.getvalue().encode(encoding)


def upload(api, entity: str, data: bytes, name: str, lang: str = "en", **form):
    """POST a file to the import endpoint (form fields as strings); messages in ``lang``."""
    fields = {k: str(v) for k, v in form.items()}
    fields["file"] = (io.BytesIO(data), name)
    return api.client.post(f"/api/v1/imports/{entity}?lang={lang}", data=fields,
                           content_type="multipart/form-data", headers={"Authorization": f"Bearer {api.token}"})


def preview(api, entity: str, data: bytes, name: str, **form):
    fields = {k: str(v) for k, v in form.items()}
    fields["file"] = (io.BytesIO(data), name)
    return api.client.post(f"/api/v1/imports/{entity}/preview?lang=en", data=fields,
                           content_type="multipart/form-data",
                           headers={"Authorization": f"Bearer {api.token}"})


def accounts(api, **query) -> list[dict]:
    query.setdefault("per_page", 200)
    query.setdefault("sort", "id")
    return api.get("/api/v1/accounts", query_string=query).json["data"]
