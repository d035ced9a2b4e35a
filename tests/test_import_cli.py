"""``plugcrm import`` and ``plugcrm export`` as an implementer runs them: real subprocesses on an instance."""
from __future__ import annotations

import json

import openpyxl
import pytest

from core.testing_instance import CliInstance
from test_importexport_support import csv_bytes


@pytest.fixture
def instance(tmp_path):
    inst = CliInstance(tmp_path / "instance", db_suffix="io_cli")
    inst.env["PLUGCRM_PLUGINS"] = "customers"
    inst.run("init", "--admin-email", "boss@example.com", "--admin-password", "s3cret-pass!", "--language", "en")
    return inst


def test_import_dry_run_duplicates_and_export(tmp_path, instance):
    source = tmp_path / "accounts.csv"
    source.write_bytes(csv_bytes([["회사", "사업자번호", "상태"], ["해동통신", "1234567891", "VIP"],
                                  ["대한물산", "2208162517", "없는상태"]], "cp949"))
    mapping = json.dumps({"회사": "name", "사업자번호": "business_number", "상태": "status"})
    dry = instance.run("import", "accounts", str(source), "--mapping", mapping, "--dry-run")
    assert "1 would be created" in dry.stdout and "row 3: 상태" in dry.stdout
    first = instance.run("import", "accounts", str(source), "--mapping", mapping)
    assert "1 created" in first.stdout and "1 rejected" in first.stdout

    update = tmp_path / "update.csv"
    update.write_bytes(csv_bytes([["회사", "사업자번호", "상태"], ["해동통신(주)", "123-45-67891", "Partner"]]))
    updated = instance.run("import", "accounts", str(update), "--mapping", mapping, "--on-duplicate", "update",
                           "--match", "business_number")
    assert "1 updated" in updated.stdout

    target = tmp_path / "out.xlsx"
    exported = instance.run("export", "accounts", str(target), "--filter", "status=partner", "--fields", "name,status")
    assert "Exported 1 accounts" in exported.stdout
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0] == ("Account name", "Status") and rows[1] == ("해동통신(주)", "Partner")

    bad = instance.run("import", "accounts", str(source), "--on-duplicate", "sometimes", check=False)
    assert bad.returncode != 0
    unknown = instance.run("export", "accounts", str(target), "--filter", "nope=1", check=False)
    assert unknown.returncode == 1 and "nope" in unknown.stderr
    no_field = instance.run("export", "accounts", str(target), "--fields", "name,nope", check=False)
    assert no_field.returncode == 1 and "Unknown field nope" in no_field.stderr
    assert "Use one of: " in no_field.stderr and "business_number" in no_field.stderr  # the valid names
    not_sheet = tmp_path / "photo.xlsx"
    not_sheet.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    refused = instance.run("import", "accounts", str(not_sheet), check=False)
    assert refused.returncode == 1 and "not an Excel workbook" in refused.stderr
