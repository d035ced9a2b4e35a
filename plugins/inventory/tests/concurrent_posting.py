"""Worker processes for the concurrency test and the benchmark: each builds its own app (own engine and
connections, like a gunicorn worker), waits for the start signal, then posts its share of the drafted
documents from several threads and reports each outcome."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from core.app import create_app
from core.config import Settings
from core.db import session
from core.errors import CRMError
from core.security.models import User
from plugins.inventory import stock

PLUGINS = ["customers", "products", "opportunities", "quotes", "inventory"]


def post_documents(database_url: str, instance_path: str, user_id: int, document_ids: list[int], threads: int,
                   ready, start, results) -> None:
    app = create_app(Settings(database_url=database_url, testing=True, plugins=PLUGINS, embedded_worker=False,
                              instance_path=instance_path))

    def post(document_id: int) -> str:
        with app.app_context():
            try:
                stock.post(document_id, session().get(User, user_id))
                session().commit()
                return "posted"
            except CRMError as exc:
                session().rollback()
                return exc.code
            except Exception as exc:  # a deadlock or lost connection is what the test looks for
                session().rollback()
                return type(exc).__name__ + ": " + str(exc)[:200]

    with app.app_context():  # warm up: imports, the registry, one connection per thread
        session().get(User, user_id)
    ready.put(True)
    start.wait(timeout=120)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        results.put(list(pool.map(post, document_ids)))
    app.extensions["plugcrm"].engine.dispose()
