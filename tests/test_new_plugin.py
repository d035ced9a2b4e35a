"""``plugcrm new-plugin``: the skeleton passes its own tests as generated (on this run's database).

The package is generated into a temporary folder, put on the path of a fresh Python with its entry
point (a ``.dist-info`` beside it, as pip would write), and its tests run there: the fixtures run
its migration, then the API, Korean labels and the route-leak check.
"""
from __future__ import annotations

import os
import subprocess
import sys

from pathlib import Path

from core.testing import fresh_postgres_database, is_postgres

PLUGCRM = str(Path(sys.executable).parent / "plugcrm")


def run(*args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=120, **kwargs)


def test_generated_plugin_passes_its_own_tests(tmp_path):
    made = run(PLUGCRM, "new-plugin", "maintenance", "--dir", str(tmp_path))
    assert made.returncode == 0, made.stderr
    root = tmp_path / "maintenance"
    assert (root / "maintenance" / "migrations" / "versions" / "maintenance_0001_records.py").is_file()
    assert {p.parent.parent.name for p in root.glob("maintenance/translations/*/LC_MESSAGES/messages.po")} == \
        {"ko", "zh_Hans", "en"}
    site = tmp_path / "site"
    dist = site / "plugcrm_maintenance-0.1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: plugcrm-maintenance\nVersion: 0.1.0\n")
    (dist / "entry_points.txt").write_text("[plugcrm.plugins]\nmaintenance = maintenance\n")

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(root), os.getcwd()])}
    env.pop("PYTEST_XDIST_WORKER", None)
    if is_postgres():
        env["PLUGCRM_TEST_DATABASE_URL"] = fresh_postgres_database("new_plugin")
    tested = run(sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider", "tests",
                 cwd=root, env=env)
    assert tested.returncode == 0, tested.stdout[-3000:] + tested.stderr[-2000:]
    assert "5 passed" in tested.stdout


def test_refuses_a_bad_name_or_an_existing_folder(tmp_path):
    bad = run(PLUGCRM, "new-plugin", "Bad-Name", "--dir", str(tmp_path))
    assert bad.returncode == 1 and "lower-case Python identifier" in bad.stderr
    (tmp_path / "taken").mkdir()
    taken = run(PLUGCRM, "new-plugin", "taken", "--dir", str(tmp_path))
    assert taken.returncode == 1 and "already exists" in taken.stderr
