"""Settings from one place: defaults < instance ``config.toml`` < environment."""
from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from core.instance_files import private_dir


@dataclass
class Settings:
    instance_path: Path = Path("instance")
    database_url: str = ""
    secret_key: str = ""
    language: str = "ko"
    timezone: str = "Asia/Seoul"
    currency: str = "KRW"
    phone_region: str = "KR"
    plugins: list[str] | None = None  # explicit enabled list; None: use the stored state
    plugins_dir: str | None = None
    testing: bool = False
    embedded_worker: bool = True
    list_count_cap: int = 10000
    attachment_max_bytes: int = 20 * 1024 * 1024
    attachment_extensions: list[str] | None = None  # None: core.attachments.DEFAULT_EXTENSIONS
    job_lease_seconds: int = 60  # a running job whose heartbeat (every third of this) stops is run again
    job_poll_seconds: float = 1.0
    log_level: str = "INFO"  # for `plugcrm serve` and `plugcrm worker` (core.log_setup)
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For/-Proto/-Host count (ProxyFix)
    smtp: dict = field(default_factory=dict)
    outbound_allow: list[str] = field(default_factory=list)  # intranet networks/hosts webhooks may call (core.egress)
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        self.instance_path = Path(self.instance_path).resolve()
        self.trusted_proxies = int(self.trusted_proxies)
        if not self.database_url:
            self.database_url = f"sqlite:///{self.instance_path / 'plugcrm.db'}"

    @property
    def config_file(self) -> Path:
        return self.instance_path / "config.toml"


ENV_NAMES = {
    "DATABASE_URL": "database_url",
    "PLUGCRM_SECRET_KEY": "secret_key",
    "PLUGCRM_LANGUAGE": "language",
    "PLUGCRM_TIMEZONE": "timezone",
    "PLUGCRM_CURRENCY": "currency",
    "PLUGCRM_PLUGINS_DIR": "plugins_dir",
    "PLUGCRM_LOG_LEVEL": "log_level",
    "PLUGCRM_TRUSTED_PROXIES": "trusted_proxies",
}


def load_settings(instance_path: str | os.PathLike | None = None, **overrides) -> Settings:
    """Read ``<instance>/config.toml`` and the environment; keyword overrides win."""
    path = Path(instance_path or os.environ.get("PLUGCRM_INSTANCE", "instance")).resolve()
    values: dict = {}
    config_file = path / "config.toml"
    if config_file.exists():
        values.update(tomllib.loads(config_file.read_text(encoding="utf-8")))
    for env, name in ENV_NAMES.items():
        if os.environ.get(env):
            values[name] = os.environ[env]
    if os.environ.get("PLUGCRM_PLUGINS"):
        values["plugins"] = [p.strip() for p in os.environ["PLUGCRM_PLUGINS"].split(",") if p.strip()]
    values.update(overrides)
    known = {f.name for f in fields(Settings)}
    extra = {k: v for k, v in values.items() if k not in known}
    values = {k: v for k, v in values.items() if k in known}
    settings = Settings(instance_path=path, **{k: v for k, v in values.items() if k != "instance_path"})
    settings.extra.update(extra)
    return settings


def write_config(path: Path, *, language: str, database_url: str | None = None) -> Path:
    """Create ``config.toml`` with a generated secret key (never overwrites one)."""
    private_dir(path)
    config_file = path / "config.toml"
    if not config_file.exists():
        lines = [f'secret_key = "{secrets.token_urlsafe(48)}"', f'language = "{language}"',
                 'timezone = "Asia/Seoul"', 'currency = "KRW"']
        if database_url:
            lines.append(f'database_url = "{database_url}"')
        config_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        config_file.chmod(0o600)
    return config_file
