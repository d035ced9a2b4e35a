"""Installed with pip, the plugin is switched on and off with ``plugcrm plugins`` and served for real.

Needs the package installed (``pip install -e examples/installed_base``; ``.ci/run`` does it).
"""
from __future__ import annotations

import re

import pytest

from core.testing_instance import CliInstance, HttpClient


@pytest.fixture
def instance(tmp_path):
    inst = CliInstance(tmp_path / "instance", db_suffix="installed_base")
    inst.run("init", "--admin-email", "boss@example.co.kr", "--admin-password", "boss-pass-1", "--language", "ko")
    return inst


def entity_names(api) -> list[str]:
    return [e["name"] for e in api.get("/api/v1/meta/entities").json["data"]]


def test_enable_serve_disable_serve(instance):
    listing = instance.run("plugins", "list").stdout
    assert re.search(r"^\[off\] installed_base\s+1\.1\.0\s.*needs customers", listing, re.M)
    token = instance.run("users", "token", "boss@example.co.kr").stdout.strip()

    with instance.serve() as base_url:
        api = HttpClient(base_url, token)
        assert "installations" not in entity_names(api)
        assert api.get("/api/v1/installations").status_code == 404

    assert "Enabled installed_base" in instance.run("plugins", "enable", "installed_base").stdout
    with instance.serve() as base_url:
        api = HttpClient(base_url, token)
        assert "installations" in entity_names(api)
        account = api.post("/api/v1/accounts", {"name": "(주)재근상사"}).json
        created = api.post("/api/v1/installations", {"account_id": account["id"], "product_name": "뉴젠 ERP",
                                                      "licence_key": "NZ090101", "users": 20})
        assert created.status_code == 201, created
        assert re.fullmatch(r"INS-\d{4}-0001", created.json["number"])
        again = api.post("/api/v1/installations", {"account_id": account["id"], "product_name": "ERP",
                                                    "licence_key": "NZ090101"})
        assert again.status_code == 422 and "licence_key" in again.json["error"]["fields"]
        assert api.get("/api/v1/installations?licence_key=NZ090101").json["meta"]["total"] == 1
        assert HttpClient(base_url).get("/api/v1/installations").status_code == 401

    refused = instance.run("plugins", "disable", "customers", check=False)
    assert refused.returncode == 1 and "installed_base" in refused.stderr
    assert "Disabled installed_base" in instance.run("plugins", "disable", "installed_base").stdout
    with instance.serve() as base_url:
        api = HttpClient(base_url, token)
        assert "installations" not in entity_names(api)
        assert api.get("/api/v1/installations").status_code == 404

    instance.run("plugins", "enable", "installed_base")
    with instance.serve() as base_url:  # the data was kept while the plugin was off
        assert HttpClient(base_url, token).get("/api/v1/installations").json["meta"]["total"] == 1
