"""Free-text search through the text index (core.search_index) finds exactly what ``LIKE`` finds.

The reference is the search as it was before the index: every term of ``q`` in ``search_text``
with ``LIKE '%term%'``.  On SQLite the FTS table is checked against its table with FTS5's own
integrity check after every kind of write.
"""
from __future__ import annotations

import sqlalchemy as sa
import pytest

from core.testing import is_postgres
from core.testing_instance import CliInstance
from test_importexport_support import csv_bytes, upload

ACCOUNTS = [
    {"name": "(주)해동통신", "alias": "HD텔레콤", "phone": "02-555-1234", "representative": "김해동"},
    {"name": "해동통신기술", "phone": "031-478-2200"},
    {"name": "해동물산", "representative": "이정민"},
    {"name": "대한통신", "alias": 'Quote"d'},
    {"name": "한동테크", "alias": "*star* (paren) -minus AND OR NEAR"},
    {"name": "海东通信有限公司", "region": "china"},
    {"name": "大韩精密", "region": "china", "alias": "😀 이모지상사"},
    {"name": "50%_할인\\상사"},
]
QUERIES = [
    "해동", "ㅎㄷ", "ㅎㄷㅌㅅ", "ㅎㄷㅌㅅ ㄱㅅ", "해동통신", "해동 김해동", "해동 이정민", "hd텔레콤", "hdtx", "dhjm",
    "海东", "海东通信", "0255512", "02-555-1234", "478-2200", "0314782200", "통신 1234", "통신 0314",
    'a"b', 'quote"d', '"', '""', "*", "*star*", "AND", "and or", "-", "-minus", "(", "(paren)", "NEAR(a b)",
    "name:해동", "^해동", "😀", "😀 이모지", "한글", "中文", "%", "50%", "_할인", "\\", "할인\\상사",
]  # a query with NUL is refused before the search runs (422, tests/test_input_bounds.py)


def ids_found(api, q: str) -> set[int]:
    response = api.get("/api/v1/accounts", query_string={"q": q, "per_page": 200})
    assert response.status_code == 200, (q, response.json)
    return {item["id"] for item in response.json["data"]}


def ids_by_like(app, q: str) -> set[int]:
    """The search before the index: plain ``LIKE`` per term over the live rows."""
    from core.entities.query import escape_like
    from core.runtime import runtime
    from core.search import search_terms

    with app.app_context():
        table = runtime().registry.get("accounts").table
        likes = [table.c.search_text.like(f"%{escape_like(t)}%", escape="\\") for t in search_terms(q)]
        stmt = sa.select(table.c.id).where(table.c.deleted_at.is_(None), *likes)
        with runtime().engine.connect() as conn:
            return set(conn.execute(stmt).scalars())


def assert_index_in_step(app) -> None:
    """SQLite: FTS5 compares its index with the table's rows and raises if they differ."""
    from core.runtime import runtime

    with app.app_context():
        engine = runtime().engine
        if engine.dialect.name == "sqlite":
            with engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO customers_accounts_fts(customers_accounts_fts) "
                                     "VALUES ('integrity-check')")


def create_account(api, **values) -> dict:
    response = api.post("/api/v1/accounts", json={"confirm_duplicate": True, **values})
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def accounts(crm_api):
    created = [create_account(crm_api, **values) for values in ACCOUNTS]
    gone = create_account(crm_api, name="해동통신 폐업")
    assert crm_api.delete(f"/api/v1/accounts/{gone['id']}").status_code in (200, 204)
    return created


def test_same_rows_as_like_for_every_query(crm_app, crm_api, accounts):
    differing = {q: (ids_found(crm_api, q), ids_by_like(crm_app, q)) for q in QUERIES}
    assert {q: pair for q, pair in differing.items() if pair[0] != pair[1]} == {}


def test_the_reference_queries_find_what_they_should(crm_api, accounts):
    by_name = {a["name"]: a["id"] for a in accounts}

    def found(q):
        return {name for name, id_ in by_name.items() if id_ in ids_found(crm_api, q)}

    assert found("ㅎㄷㅌㅅ") == {"(주)해동통신", "해동통신기술"}
    assert found("ㅎㄷ") == {"(주)해동통신", "해동통신기술", "해동물산", "한동테크"}
    assert found("hdtx") == {"海东通信有限公司"}
    assert found("02-555-1234") == found("0255512") == {"(주)해동통신"}
    assert found("통신 0314") == {"해동통신기술"}
    assert found('quote"d') == {"대한통신"}
    assert found("*star*") == found("-minus") == found("(paren)") == {"한동테크"}
    assert found("😀 이모지") == {"大韩精密"}
    assert found("할인\\상사") == found("50%") == {"50%_할인\\상사"}
    assert found("해동통신") == {"(주)해동통신", "해동통신기술"}  # not the one in the recycle bin


def test_writes_keep_the_index_in_step(crm_app, crm_api):
    record = create_account(crm_api, name="가나다라상사")
    assert ids_found(crm_api, "가나다라") == {record["id"]}
    patched = crm_api.patch(f"/api/v1/accounts/{record['id']}", json={"name": "마바사아물산", "version": record["version"]})
    assert patched.status_code == 200, patched.json
    assert ids_found(crm_api, "마바사아") == {record["id"]} and ids_found(crm_api, "가나다라") == set()
    assert crm_api.delete(f"/api/v1/accounts/{record['id']}").status_code in (200, 204)
    assert ids_found(crm_api, "마바사아") == set()
    assert crm_api.post(f"/api/v1/accounts/{record['id']}/restore").status_code == 200
    assert ids_found(crm_api, "마바사아") == {record["id"]}
    assert crm_api.delete(f"/api/v1/accounts/{record['id']}").status_code in (200, 204)
    assert crm_api.delete(f"/api/v1/recycle-bin/accounts/{record['id']}").status_code in (200, 204)
    assert_index_in_step(crm_app)
    again = create_account(crm_api, name="마바사아물산")  # a new row, perhaps on the purged row's id
    assert ids_found(crm_api, "마바사아") == {again["id"]}
    assert_index_in_step(crm_app)


def test_an_imported_batch_is_findable(crm_app, crm_api):
    rows = [["Account name", "Phone"]] + [[f"수입상사{i:03d}", f"02-777-{i:04d}"] for i in range(40)]
    response = upload(crm_api, "accounts", csv_bytes(rows), "batch.csv")
    assert response.status_code == 201 and response.json["created"] == 40, response.json
    assert len(ids_found(crm_api, "수입상사")) == 40
    assert len(ids_found(crm_api, "수입상사017")) == 1
    assert len(ids_found(crm_api, "027770039")) == 1
    assert ids_found(crm_api, "수입상사 0017") == ids_by_like(crm_app, "수입상사 0017") != set()
    assert_index_in_step(crm_app)


def test_reindex_adds_the_forms_old_rows_lack(crm_app, crm_api):
    from core.entities.reindex import reindex
    from core.runtime import runtime

    record = create_account(crm_api, name="海东通信有限公司", region="china")
    create_account(crm_api, name="해동물산")
    with crm_app.app_context():
        table = runtime().registry.get("accounts").table
        with runtime().engine.begin() as conn:  # as written before the pinyin expander existed
            conn.execute(sa.update(table).where(table.c.id == record["id"]).values(search_text="海东通信有限公司"))
    assert ids_found(crm_api, "hdtx") == set()
    with crm_app.app_context():
        done = []
        result = reindex(runtime().registry.get("accounts"), batch_size=1, progress=lambda *a: done.append(a))
    assert (result.rows, result.changed) == (2, 1) and done == [(1, 2), (2, 2)]
    assert ids_found(crm_api, "hdtx") == {record["id"]}
    assert_index_in_step(crm_app)


def query_plan(app, q: str) -> str:
    from core.entities.query import search_condition
    from core.runtime import runtime

    with app.app_context():
        entity = runtime().registry.get("accounts")
        table = entity.table
        stmt = sa.select(table.c.id).where(table.c.deleted_at.is_(None), search_condition(entity, q))
        with runtime().engine.begin() as conn:
            compiled = stmt.compile(conn)
            params = compiled.params
            if compiled.positiontup:
                params = tuple(params[name] for name in compiled.positiontup)
            prefix = "EXPLAIN " if is_postgres() else "EXPLAIN QUERY PLAN "
            return "\n".join(str(row[-1]) for row in conn.exec_driver_sql(prefix + compiled.string, params))


def add_filler_rows(app, count: int) -> None:
    """PostgreSQL: ``count`` more accounts, the index's pending list merged and statistics gathered."""
    from core.db import utcnow
    from core.runtime import runtime
    from core.search import search_text

    with app.app_context():
        table = runtime().registry.get("accounts").table
        now = utcnow()
        rows = [{"name": f"채움상사 {i}", "search_text": search_text([f"채움상사 {i}"]), "created_at": now,
                 "updated_at": now} for i in range(count)]
        with runtime().engine.begin() as conn:
            conn.execute(sa.insert(table), rows)
            # what autovacuum does on a deployment: new rows wait in the GIN index's pending list
            # (which the planner prices high) until it is merged, and statistics are gathered
            conn.exec_driver_sql("SELECT gin_clean_pending_list('ix_customers_accounts_search_text_live')")
            conn.exec_driver_sql(f"ANALYZE {table.name}")


def test_long_terms_are_answered_by_the_index(crm_app, accounts):
    if is_postgres():
        add_filler_rows(crm_app, 5000)  # on a handful of rows the planner rightly reads the table
        plan = query_plan(crm_app, "해동통신 김해동")
        assert "ix_customers_accounts_search_text_live" in plan, plan
    else:
        plan = query_plan(crm_app, "해동통신 ㅎㄷ")
        assert "customers_accounts_fts VIRTUAL TABLE" in plan, plan
        assert "SCAN customers_accounts" not in plan.replace("SCAN customers_accounts_fts", ""), plan
        short = query_plan(crm_app, "ㅎㄷ")
        assert "fts" not in short and "SCAN customers_accounts" in short, short


def test_search_reindex_command(tmp_path):
    instance = CliInstance(tmp_path / "instance", db_suffix="search_cli")
    instance.run("init", "--admin-email", "boss@example.co.kr", "--admin-password", "s3cret-pass!")
    result = instance.run("search", "reindex", "accounts")
    assert "accounts: 0 rows, 0 search texts changed" in result.stdout, result.stdout
    unknown = instance.run("search", "reindex", "nothing", check=False)
    assert unknown.returncode == 1 and "nothing" in unknown.stderr
