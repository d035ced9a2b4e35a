"""Workflow overhead benchmark: saving a record with 100 active workflows whose conditions do not match.

    python -m bench.workflows                     # SQLite, 100 workflows, 300 saves per case
    python -m bench.workflows --saves 50          # quicker, while developing
    python -m bench.workflows --database-url postgresql://postgres@127.0.0.1/plugcrm_wf_bench
                                                  # PostgreSQL too (uses and empties plugcrm_wf_bench_0.._2)
    python -m bench.workflows --write-docs        # update "Workflows" in docs/performance.md

Each save is what a request does: a fresh app context, ``records.update`` of an account (one field
changed) and the commit; the median of ``--saves`` saves is reported (each case has its own database and
the cases take turns, so load from other work on the machine hits them alike) for

* the workflows plugin not enabled at all,
* the plugin enabled with no workflows,
* the plugin enabled with ``--workflows`` active workflows on accounts whose conditions do not hold
  (a mix of every-save, modify and once triggers; picklist, money, text and change conditions; each with
  an update-fields and an email task).  Target: at most 1.5x the save without workflows.

Creating records is measured the same way.  Compiled workflows are cached per process and refreshed
when the definitions' generation counter moves, so the per-save cost is evaluating conditions in Python.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import tempfile
from pathlib import Path

from bench.common import markdown_table, median_ms, write_docs_section

TRIGGERS = ("save", "modify", "once")


def make_app(url: str, workdir: Path, plugins: list[str]):
    from core.app import create_app
    from core.config import Settings

    return create_app(Settings(instance_path=workdir / "instance", database_url=url, testing=True,
                               plugins=plugins, embedded_worker=False))


def reset(app) -> int:
    """Empty database with the schema and an administrator; returns the administrator's id."""
    from core.db import metadata, session
    from core.migrate import install_defaults
    from core.security.models import User

    runtime = app.extensions["plugcrm"]
    metadata.drop_all(runtime.engine)
    metadata.create_all(runtime.engine)  # a benchmark database (deployments migrate with Alembic)
    install_defaults(runtime)
    with app.app_context():
        from core.entities import custom_fields

        user = User(email="admin@example.com", name="관리자", is_admin=True)
        user.set_password("bench-password")
        session().add(user)
        session().flush()
        custom_fields.add_field(runtime.registry.get("accounts"), {"name": "deal_size", "label": "규모",
                                                                   "type": "money"})
        session().commit()
        return user.id


def non_matching(i: int) -> dict:
    conditions = [
        {"all": [{"field": "status", "op": "is", "value": "invalid"}]},
        {"all": [{"field": "cf_deal_size", "op": "gt", "value": str(10_000_000_000 + i)}]},
        {"all": [{"field": "name", "op": "contains", "value": f"없는이름{i}"}],
         "any": [{"field": "industry", "op": "in", "value": ["public", "construction"]}]},
        {"all": [{"field": "representative", "op": "changed_to", "value": f"대표{i}"}]},
    ][i % 4]
    return {"name": f"bench {i}", "entity": "accounts", "trigger": {"type": TRIGGERS[i % 3], "recheck": False},
            "conditions": conditions,
            "tasks": [{"type": "update_fields", "fields": [{"field": "description", "expr": f"concat(name, ' {i}')"}]},
                      {"type": "send_email", "recipients": {"owner": True}, "subject": "{{ record.name }}",
                       "body": "{{ record.number }}"}]}


def add_workflows(app, count: int, admin_id: int) -> None:
    from core.db import session
    from core.security.models import User
    from plugins.workflows.services import save_workflow

    with app.app_context():
        admin = session().get(User, admin_id)
        for i in range(count):
            save_workflow(non_matching(i), admin)
        session().commit()


class Case:
    """One configuration with its own database, an account to update, and its samples."""

    def __init__(self, label: str, url: str, workdir: Path, plugins: list[str], workflows: int):
        self.label = label
        self.app = make_app(url, workdir, plugins)  # first: importing core.app settles the import order
        from core.db import session
        from core.entities import records
        from core.security.models import User

        self.admin_id = reset(self.app)
        if workflows:
            add_workflows(self.app, workflows, self.admin_id)
        self.counter = iter(range(10**9))
        self.update_ms: list[float] = []
        self.create_ms: list[float] = []
        with self.app.app_context():
            self.entity = self.app.extensions["plugcrm"].registry.get("accounts")
            admin = session().get(User, self.admin_id)
            self.record_id = records.create(self.entity, {"name": "해동통신", "cf_deal_size": "5000000"}, admin)["id"]
            session().commit()

    def update(self):
        from core.db import session
        from core.entities import records
        from core.security.models import User

        with self.app.app_context():
            user = session().get(User, self.admin_id)
            records.update(self.entity, self.record_id, {"phone": f"02-555-{next(self.counter) % 10000:04d}"}, user)
            session().commit()

    def create(self):
        from core.db import session
        from core.entities import records
        from core.security.models import User

        with self.app.app_context():
            user = session().get(User, self.admin_id)
            records.create(self.entity, {"name": f"고객 {next(self.counter)}", "cf_deal_size": "1000"}, user)
            session().commit()

    def close(self):
        self.app.extensions["plugcrm"].engine.dispose()


def measure(urls: list[str], workdir: Path, workflows: int, saves: int, rounds: int = 10) -> list[tuple]:
    """Medians per case; the cases take turns in ``rounds`` so drift on a shared machine hits them alike."""
    specs = [("workflows plugin off", ["customers"], 0), ("workflows on, none defined", ["customers", "workflows"], 0),
             (f"{workflows} active, none matching", ["customers", "workflows"], workflows)]
    cases = [Case(label, url, workdir, plugins, count) for (label, plugins, count), url in zip(specs, urls)]
    per_round = max(saves // rounds, 1)
    for case in cases:
        median_ms(case.update, 1, warmup=10)
        median_ms(case.create, 1, warmup=10)
    for _round in range(rounds):
        for case in cases:
            case.update_ms += [median_ms(case.update, 1, warmup=0) for _ in range(per_round)]
            case.create_ms += [median_ms(case.create, 1, warmup=0) for _ in range(per_round)]
    results = [(c.label, statistics.median(c.update_ms), statistics.median(c.create_ms)) for c in cases]
    for case in cases:
        case.close()
    return results


def postgres_databases(url: str) -> list[str]:
    """Three databases beside ``url`` (``<name>_0`` .. ``_2``), created when missing, one per case."""
    import sqlalchemy as sa

    server, name = url.rsplit("/", 1)
    admin = sa.create_engine(server.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres",
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        existing = set(conn.execute(sa.text("SELECT datname FROM pg_database")).scalars())
        for i in range(3):
            if f"{name}_{i}" not in existing:
                conn.execute(sa.text(f'CREATE DATABASE "{name}_{i}"'))
    admin.dispose()
    return [f"{server}/{name}_{i}" for i in range(3)]


def table(rows_by_db: dict[str, list[tuple[str, float, float]]]) -> str:
    rows = []
    for db, results in rows_by_db.items():
        base_update, base_create = results[1][1], results[1][2]
        for label, update_ms, create_ms in results:
            rows.append([db, label, f"{update_ms:.2f}", f"{update_ms / base_update:.2f}×",
                         f"{create_ms:.2f}", f"{create_ms / base_create:.2f}×"])
    return markdown_table(["database", "workflows", "update ms", "× none", "create ms", "× none"], rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workflows", type=int, default=100)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--database-url", action="append", default=[],
                        help="PostgreSQL URL to measure too (emptied!)")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        sqlite = [f"sqlite:///{workdir / f'bench{i}.db'}" for i in range(3)]
        results["SQLite"] = measure(sqlite, workdir, args.workflows, args.saves)
        for url in args.database_url:
            results["PostgreSQL"] = measure(postgres_databases(url), workdir, args.workflows, args.saves)
    text = table(results)
    print(text)
    if args.write_docs:
        write_docs_section("Workflows", f"""
`python -m bench.workflows --saves {args.saves}{' --database-url ...' if args.database_url else ''}` \
({dt.date.today().isoformat()}, CPython {platform.python_version()}, {os.cpu_count()} CPUs shared with other work, \
median of {args.saves} saves per case).

Saving an account (`records.update` with one changed field, or `records.create`, each in its own app context and
transaction, as a request does) with {args.workflows} active workflows on accounts whose conditions do not hold
(every-save / modify / once triggers; picklist, money, text and "changed to" conditions; each with an update and
an email task), against the same save with the workflows plugin enabled but no workflows.  Target: at most 1.5×.
Compiled workflows are cached per process and refreshed when the definitions' generation counter changes (one
indexed single-row read per app context), so each save only evaluates conditions in Python.

{text}
""")


if __name__ == "__main__":
    main()
