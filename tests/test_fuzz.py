"""Schemathesis over the OpenAPI document: every /api/v1 operation of every plugin, as an administrator
and as a sales rep, must never answer 5xx and must answer what the document declares.

Valid and invalid requests (Schemathesis' positive and negative modes) against the demo data, on the
suite's database (``.ci/run``: SQLite and PostgreSQL).  Bounded for CI: ``FUZZ_EXAMPLES`` (default 10)
requests per operation and user, no deadline; about 1.5 minutes per database on a quiet 2-core machine.
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings, strategies
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from core.app import create_app
from core.config import Settings
from core.db import session
from core.demo import fill
from core.migrate import install_defaults
from core.plugins import discover
from core.security.models import User
from core.testing import make_user, reset_database

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))

pytestmark = pytest.mark.fuzz


@pytest.fixture(scope="module")
def fuzz_app(crm_database_url, tmp_path_factory):
    """Every plugin, the demo data, and the two users' tokens (``app.config["FUZZ_TOKENS"]``)."""
    app = create_app(Settings(database_url=crm_database_url, testing=True, plugins=sorted(discover(None)),
                              embedded_worker=False, instance_path=tmp_path_factory.mktemp("fuzz")))
    runtime = app.extensions["plugcrm"]
    reset_database(runtime.engine)
    install_defaults(runtime)
    tokens = {"admin": make_user(app, "admin@example.com", admin=True)[1],
              "rep": make_user(app, "rep@example.com", role="sales")[1]}
    with app.app_context():
        fill(session().get(User, 1))
    app.config["FUZZ_TOKENS"] = tokens
    yield app
    runtime.engine.dispose()


def operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def fuzz(operation, token: str) -> None:
    """``EXAMPLES`` generated requests to one operation, valid and invalid; the first failing check raises."""
    @given(case=strategies.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                                  operation.as_strategy(GenerationMode.NEGATIVE)))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def run(case):
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"},
                               checks=[not_a_server_error, response_schema_conformance])

    run()


@pytest.mark.parametrize("who", ["rep", "admin"])  # the rep first: the administrator may deactivate the rep
def test_no_server_error_and_answers_as_documented(fuzz_app, who):
    token = fuzz_app.config["FUZZ_TOKENS"][who]
    failures = []
    for operation in operations(fuzz_app):
        try:
            fuzz(operation, token)
        except Exception as exc:  # every operation is tried; all failures are reported together
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
