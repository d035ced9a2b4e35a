"""Record numbers: format, yearly restart, administrator override, no gap after a rolled-back create."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa


def account_numbers(api) -> list[str]:
    return [a["number"] for a in api.get("/api/v1/accounts?sort=id").json["data"]]


def test_numbers_follow_the_format_and_restart_each_year(crm_api, crm_clock):
    crm_clock.set_now(dt.datetime(2026, 12, 31, 14, 59, tzinfo=dt.timezone.utc))  # 23:59 in Seoul
    for name in ("가", "나"):
        assert crm_api.post("/api/v1/accounts", json={"name": name}).status_code == 201
    crm_clock.set_now(dt.datetime(2026, 12, 31, 15, 0, tzinfo=dt.timezone.utc))  # 2027-01-01 00:00 in Seoul
    crm_api.post("/api/v1/accounts", json={"name": "다"})
    assert account_numbers(crm_api) == ["ACC-2026-00001", "ACC-2026-00002", "ACC-2027-00001"]


def test_administrator_format_override(crm_app, crm_api, crm_clock):
    from core.db import session
    from core.entities.models import NumberingFormat

    crm_clock.set_now(dt.datetime(2026, 3, 5, 3, 0, tzinfo=dt.timezone.utc))
    with crm_app.app_context():
        session().add(NumberingFormat(entity="accounts", format="고객-{YY}{MM}{DD}-{###}"))
        session().commit()
    crm_api.post("/api/v1/accounts", json={"name": "가"})
    assert account_numbers(crm_api) == ["고객-260305-001"]


def test_a_rolled_back_create_leaves_no_gap(crm_app, crm_admin):
    from core.db import session
    from core.entities import records
    from core.runtime import runtime
    from core.security.models import User

    with crm_app.app_context():
        accounts = runtime().registry.get("accounts")
        admin = session().get(User, crm_admin[0])
        first = records.create(accounts, {"name": "되돌림"}, admin)["number"]
        session().rollback()
        second = records.create(accounts, {"name": "남음"}, admin)["number"]
        session().commit()
        table = accounts.table
        stored = session().execute(sa.select(table.c.name, table.c.number)).all()
    assert first == second
    assert stored == [("남음", second)]


def test_a_refused_create_consumes_no_number(crm_api):
    assert crm_api.post("/api/v1/accounts", json={"name": "가"}).status_code == 201
    assert crm_api.post("/api/v1/accounts", json={"status": "vip"}).status_code == 422
    assert crm_api.post("/api/v1/accounts", json={"name": "나"}).status_code == 201
    assert [n[-5:] for n in account_numbers(crm_api)] == ["00001", "00002"]


def test_format_validation():
    from core.entities.numbering import validate_format

    assert validate_format("OPP-{YYYY}{MM}-{####}") is None
    assert "counter" in validate_format("OPP-{YYYY}")
    assert "counter" in validate_format("{##}-{###}")
    assert "unknown token" in validate_format("X-{HH}-{###}")
    assert "60" in validate_format("X" * 60 + "{#}")
