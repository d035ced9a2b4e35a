"""``plugcrm new-plugin NAME``: a working plugin package to start from.

The skeleton is a pip package (``pyproject.toml`` with the ``plugcrm.plugins`` entry point) holding
one entity (``<name>_records``: a title and a due date), its Alembic migration (rendered from the
entity's table, so it matches what autogenerate would write), catalogues in ko / zh_Hans / en and
a test that uses the shipped fixtures, runs the migration and the route-leak check.  It passes its
own tests as generated, on SQLite and on PostgreSQL.
"""
from __future__ import annotations

import keyword
import textwrap
from pathlib import Path

from alembic.autogenerate import render_python_code
from alembic.config import Config
from alembic.operations import ops
from alembic.script import ScriptDirectory

from core.entities import Entity, Field
from core.errors import PluginError
from core.migrate import CORE_DIR

PYPROJECT = '''[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "plugcrm-{dash}"
version = "0.1.0"
description = "plugcrm plugin: {name}"
requires-python = ">=3.11"
dependencies = ["plugcrm"]

[project.entry-points."plugcrm.plugins"]
{name} = "{name}"

[tool.setuptools.packages.find]
include = ["{name}*"]

[tool.setuptools.package-data]
{name} = ["templates/*/*.html", "static/*", "translations/*/LC_MESSAGES/*.po", "translations/*/LC_MESSAGES/*.mo",
          "migrations/versions/*.py"]

[tool.pytest.ini_options]
testpaths = ["tests"]
addopts = "-p no:cacheprovider"
'''

INIT = '''"""{name}: a plugcrm plugin (written by ``plugcrm new-plugin``; see docs/plugins.md)."""
from core.plugin_api import Entity, Field, Manifest, hookimpl, translator

_, _l = translator("{name}")
manifest = Manifest(name="{name}", version="0.1.0", label="{title}")

records = Entity(
    name="{name}_records", label=_l("{title} records"), label_singular=_l("{title} record"),
    title_field="title", numbering="{code}-{{YYYY}}-{{####}}",
    fields=[
        Field("title", "text", label=_l("Title"), required=True, search=True, list=True, max_length=200),
        Field("due_date", "date", label=_l("Due date"), list=True, index=True),
    ],
)


@hookimpl
def crm_entities():
    return [records]
'''

MIGRATION = '''"""{name}_records

Revision ID: {name}_0001
Revises:
"""
from alembic import op
import sqlalchemy as sa
import core.db
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = "{name}_0001"
down_revision = None
branch_labels = ("{name}",)
depends_on = {depends!r}


def upgrade():
{upgrade}


def downgrade():
{downgrade}
'''

TEST = '''"""{name}'s own tests: the shipped fixtures run its migration (SQLite, or PostgreSQL with
PLUGCRM_TEST_DATABASE_URL), then the API, the Korean labels and the route-leak check."""
import pytest
import sqlalchemy as sa

from core.testing import ApiClient, make_user, schema_differences
from core.testing_route_leaks import check_route_leaks


@pytest.fixture
def app(crm_app_factory):
    return crm_app_factory(plugins=["{name}"])


@pytest.fixture
def admin(app):
    return ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])


def test_create_and_list(admin, crm_clock):
    created = admin.post("/api/v1/{name}_records", json={{"title": "첫 번째", "due_date": "2026-03-31"}})
    assert created.status_code == 201, created.json
    assert created.json["number"] == "{code}-2026-0001"
    assert admin.get("/api/v1/{name}_records?q=첫").json["meta"]["total"] == 1


def test_bad_input_is_refused_in_korean(admin):
    response = admin.post("/api/v1/{name}_records", json={{"due_date": "2026-02-30"}},
                          headers={{"Accept-Language": "ko"}})
    assert response.status_code == 422
    assert {{"title", "due_date"}} <= set(response.json["error"]["fields"])
    assert admin.get("/api/v1/{name}_records").json["meta"]["total"] == 0


def test_labels_are_translated(admin):
    meta = admin.get("/api/v1/meta/entities/{name}_records", headers={{"Accept-Language": "ko"}}).json
    assert {{f["name"]: f["label"] for f in meta["fields"]}}["due_date"] == "마감일"


def test_its_migration_made_the_table(app):
    with app.extensions["plugcrm"].engine.connect() as conn:
        heads = set(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
    assert "{name}_0001" in heads
    assert schema_differences(app, "{name}") == []  # the migration makes what the entity declares


def test_routes_leak_nothing(app):
    check_route_leaks(app, plugin="{name}")
'''

MESSAGES = {  # msgid -> (ko, zh_Hans)
    "{title} records": ("{title} 기록", "{title} 记录"),
    "{title} record": ("{title} 기록", "{title} 记录"),
    "Title": ("제목", "标题"),
    "Due date": ("마감일", "截止日期"),
}
LANGUAGES = ("ko", "zh_Hans", "en")


def po_file(lang: str, name: str, title: str) -> str:
    head = (f'msgid ""\nmsgstr ""\n"Project-Id-Version: {name}\\n"\n"Language: {lang}\\n"\n'
            f'"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n'
            f'"Content-Transfer-Encoding: 8bit\\n"\n')
    entries = []
    for msgid, (ko, zh) in MESSAGES.items():
        msgid = msgid.format(title=title)
        text = {"ko": ko, "zh_Hans": zh, "en": msgid}[lang].format(title=title)
        entries.append(f'msgid "{msgid}"\nmsgstr "{text}"\n')
    return head + "\n" + "\n".join(entries)


def indent(code: str) -> str:
    lines = "\n".join(line for line in code.splitlines() if not line.strip().startswith("# ###"))
    return textwrap.indent(textwrap.dedent(lines).strip("\n"), "    ")


def migration_text(name: str, entity: Entity) -> str:
    """The first revision, rendered by Alembic from the entity's table (as autogenerate would)."""
    entity.plugin = name
    table = entity.table
    up = ops.UpgradeOps(ops=[ops.CreateTableOp.from_table(table)]
                        + [ops.CreateIndexOp.from_index(index) for index in sorted(table.indexes, key=lambda i: i.name)])
    down = ops.DowngradeOps(ops=[ops.DropTableOp.from_table(table)])
    core = ScriptDirectory.from_config(core_config())
    return MIGRATION.format(name=name, depends=list(core.get_heads()),
                            upgrade=indent(render_python_code(up, user_module_prefix="core.db.")),
                            downgrade=indent(render_python_code(down, user_module_prefix="core.db.")))


def core_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(CORE_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", str(CORE_DIR / "versions"))
    return cfg


def check_name(name: str) -> None:
    if not name.isidentifier() or keyword.iskeyword(name) or name != name.lower() or name.startswith("_"):
        raise PluginError(f"plugin name {name!r} must be a lower-case Python identifier (e.g. maintenance)")
    if name in ("core", "plugins", "hooks", "ui", "api", "static"):
        raise PluginError(f"plugin name {name!r} is reserved")


def write_skeleton(name: str, parent: Path) -> Path:
    """Write the package ``<parent>/<name>/`` and return its folder; refuses to overwrite one."""
    check_name(name)
    root = Path(parent) / name
    if root.exists():
        raise PluginError(f"{root} already exists")
    title = name.replace("_", " ").capitalize()
    code = "".join(part[0] for part in name.split("_") if part).upper()[:3].ljust(3, "X")
    entity = Entity(name=f"{name}_records", label=title, title_field="title", numbering=f"{code}-{{YYYY}}-{{####}}",
                    fields=[Field("title", "text", required=True, search=True, list=True, max_length=200),
                            Field("due_date", "date", list=True, index=True)])
    files = {
        "pyproject.toml": PYPROJECT.format(name=name, dash=name.replace("_", "-")),
        "README.md": f"# {name}\n\nA plugcrm plugin.\n\n```sh\npip install -e .\nplugcrm plugins enable {name}\n"
                     f"pytest      # PLUGCRM_TEST_DATABASE_URL=postgresql://... for PostgreSQL\n```\n",
        f"{name}/__init__.py": INIT.format(name=name, title=title, code=code),
        f"{name}/migrations/versions/{name}_0001_records.py": migration_text(name, entity),
        "tests/test_" + name + ".py": TEST.format(name=name, code=code),
        ".gitignore": "*.mo\n*.egg-info/\n__pycache__/\n",
    }
    for lang in LANGUAGES:
        files[f"{name}/translations/{lang}/LC_MESSAGES/messages.po"] = po_file(lang, name, title)
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
