"""Deal alerts without the UI: ``plugcrm plugins enable deal_alerts`` and ``plugcrm deal-alerts configure``."""
from __future__ import annotations

import json

from core.testing_instance import CliInstance


def test_enable_and_configure_from_the_command_line(tmp_path):
    instance = CliInstance(tmp_path / "instance", db_suffix="dealalerts")
    instance.run("init", "--admin-email", "boss@example.co.kr", "--admin-password", "boss-pass-1")
    assert "[off] deal_alerts" in instance.run("plugins", "list").stdout
    off = instance.run("deal-alerts", "show", check=False)
    assert off.returncode == 1 and "Traceback" not in off.stderr and "Error" in off.stderr
    assert "Deal alerts are off" in off.stderr and "plugcrm plugins enable deal_alerts" in off.stderr
    assert instance.run("deal-alerts", "configure", "--threshold", "1", check=False).returncode == 1
    instance.run("plugins", "enable", "deal_alerts")
    assert "[on ] deal_alerts" in instance.run("plugins", "list").stdout

    refused = instance.run("deal-alerts", "configure", "--threshold", "-1", "--to", "team@example.com", check=False)
    assert refused.returncode == 1 and "threshold" in refused.stderr
    assert json.loads(instance.run("deal-alerts", "show").stdout)["configured"] is False

    shown = json.loads(instance.run("deal-alerts", "configure", "--threshold", "10,000,000",
                                    "--to", "team@example.com", "--role", "manager").stdout)
    assert shown["configured"] is True and shown["active"] is True
    assert (shown["entity"], shown["field"], shown["threshold"]) == ("opportunities", "amount", "10000000.00")
    assert shown["recipients"] == {"addresses": ["team@example.com"], "roles": ["manager"]}
    assert shown["subject"].startswith("[대형 거래]")
    off = json.loads(instance.run("deal-alerts", "configure", "--off").stdout)
    assert off["active"] is False and off["threshold"] == "10000000.00" and off["workflow_id"] == shown["workflow_id"]
