"""The built-in gateway adapters: Aligo, Solapi, NHN Cloud, and a file for development.

Each speaks its gateway's documented HTTP protocol through
:func:`plugins.sms.providers.request`; ``base_url`` can be overridden in the
settings (a test points it at a fake gateway on loopback).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import threading
import urllib.parse
from pathlib import Path

from core import clock
from plugins.sms.providers import (Ambiguous, Capabilities, Outgoing, Provider, ProviderConfigError, ProviderError,
                                   Result, SettingField, request)

JSON = {"Content-Type": "application/json;charset=UTF-8"}


class Aligo(Provider):
    """Aligo (알리고): a form POST to ``/send/`` with ``key``, ``user_id``, ``sender``, ``receiver``, ``msg``, ``msg_type``.

    Aligo takes no reference of ours, so a message whose answer was lost cannot
    be found again: it is logged ``unknown`` for a person to check.
    """

    name, label = "aligo", "Aligo"
    capabilities = Capabilities(kinds=frozenset({"SMS", "LMS", "MMS"}), delivery_reports=True, rate_per_second=20)
    fields = (SettingField("user_id"), SettingField("api_key", secret=True), SettingField("base_url", required=False))
    default_base_url = "https://apis.aligo.in"

    def send(self, batch: list[Outgoing]) -> list[Result]:
        return [self.send_one(m) for m in batch]

    def send_one(self, m: Outgoing) -> Result:
        form = {"key": self.settings["api_key"], "user_id": self.settings["user_id"], "sender": m.sender,
                "receiver": m.to, "msg": m.text, "msg_type": m.kind}
        if m.subject:
            form["title"] = m.subject
        answer = request("POST", f"{self.base_url}/send/", body=urllib.parse.urlencode(form).encode("utf-8"),
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
                         timeout=self.timeout).json()
        code = int(answer.get("result_code", -999))
        if code == -101:  # authentication failed: every message would fail the same way
            raise ProviderConfigError(f"aligo: {answer.get('message')}")
        if code < 0:
            return Result(m.key, "failed", error=f"aligo {code}: {answer.get('message')}")
        return Result(m.key, "sent", provider_id=str(answer.get("msg_id")))


def solapi_authorization(api_key: str, api_secret: str, date: str, salt: str) -> str:
    """Solapi's ``Authorization`` header: HMAC-SHA256 over date + salt with the API secret."""
    signature = hmac.new(api_secret.encode(), (date + salt).encode(), hashlib.sha256).hexdigest()
    return f"HMAC-SHA256 apiKey={api_key}, date={date}, salt={salt}, signature={signature}"


class Solapi(Provider):
    """Solapi (솔라피): ``POST /messages/v4/send-many/detail`` signed with an HMAC-SHA256 ``Authorization`` header.

    Up to 100 messages per request; our idempotency key travels in each
    message's ``customFields``.  No lookup by it: an ambiguous request is ``unknown``.
    """

    name, label = "solapi", "Solapi"
    capabilities = Capabilities(kinds=frozenset({"SMS", "LMS", "MMS"}), delivery_reports=True, batch_size=100,
                                rate_per_second=10)
    fields = (SettingField("api_key"), SettingField("api_secret", secret=True),
              SettingField("base_url", required=False))
    default_base_url = "https://api.solapi.com"

    def headers(self) -> dict:
        date = clock.now().astimezone(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
        auth = solapi_authorization(self.settings["api_key"], self.settings["api_secret"], date,
                                    secrets.token_hex(16))
        return {**JSON, "Authorization": auth}

    def send(self, batch: list[Outgoing]) -> list[Result]:
        messages = [{"to": m.to, "from": m.sender, "text": m.text, "type": m.kind,
                     **({"subject": m.subject} if m.subject else {}), "customFields": {"idempotencyKey": m.key}}
                    for m in batch]
        answer = request("POST", f"{self.base_url}/messages/v4/send-many/detail",
                         body=json.dumps({"messages": messages}).encode("utf-8"), headers=self.headers(),
                         timeout=self.timeout)
        data = answer.json()
        if answer.status in (401, 403):
            raise ProviderConfigError(f"solapi: {data.get('errorCode')} {data.get('errorMessage')}")
        if answer.status >= 400:
            raise ProviderError(f"solapi answered HTTP {answer.status}: {data.get('errorMessage')}")
        by_key: dict[str, Result] = {}
        for item in data.get("messageList", []):
            key = (item.get("customFields") or {}).get("idempotencyKey")
            by_key[key] = Result(key, "sent", provider_id=item.get("messageId"))
        for item in data.get("failedMessageList", []):
            key = (item.get("customFields") or {}).get("idempotencyKey")
            by_key[key] = Result(key, "failed", error=f"solapi {item.get('statusCode')}: {item.get('statusMessage')}")
        return [by_key.get(m.key) or Result(m.key, "failed", error="solapi: not in the answer") for m in batch]


NHN_DONE = {"3": "delivered", "4": "failed", "5": "failed"}


class NhnCloud(Provider):
    """NHN Cloud Notification SMS v3.0: ``X-Secret-Key`` header, ``/sender/sms`` (SMS) and ``/sender/mms`` (LMS).

    Our idempotency key is the request's ``senderGroupingKey``, so after an
    ambiguous answer :meth:`lookup` asks the list API for it.
    """

    name, label = "nhn", "NHN Cloud"
    capabilities = Capabilities(kinds=frozenset({"SMS", "LMS"}), delivery_reports=True, lookup=True,
                                rate_per_second=50)
    fields = (SettingField("app_key"), SettingField("secret_key", secret=True),
              SettingField("base_url", required=False))
    default_base_url = "https://api-sms.cloud.toast.com"

    def url(self, path: str) -> str:
        app_key = urllib.parse.quote(self.settings["app_key"], safe="")
        return f"{self.base_url}/sms/v3.0/appKeys/{app_key}{path}"

    def headers(self) -> dict:
        return {**JSON, "X-Secret-Key": self.settings["secret_key"]}

    def send(self, batch: list[Outgoing]) -> list[Result]:
        return [self.send_one(m) for m in batch]

    def send_one(self, m: Outgoing) -> Result:
        body = {"body": m.text, "sendNo": m.sender, "senderGroupingKey": m.key,
                "recipientList": [{"recipientNo": m.to, "recipientGroupingKey": m.key}]}
        path = "/sender/sms"
        if m.kind != "SMS":
            body["title"], path = m.subject or m.text[:20], "/sender/mms"
        answer = request("POST", self.url(path), body=json.dumps(body).encode("utf-8"), headers=self.headers(),
                         timeout=self.timeout).json()
        header = answer.get("header") or {}
        if not header.get("isSuccessful"):
            if header.get("resultCode") in (-1000, 401):
                raise ProviderConfigError(f"nhn: {header.get('resultMessage')}")
            return Result(m.key, "failed", error=f"nhn {header.get('resultCode')}: {header.get('resultMessage')}")
        data = (answer.get("body") or {}).get("data") or {}
        outcome = (data.get("sendResultList") or [{}])[0]
        if outcome.get("resultCode", 0) != 0:
            return Result(m.key, "failed", error=f"nhn {outcome.get('resultCode')}: {outcome.get('resultMessage')}")
        return Result(m.key, "sent", provider_id=data.get("requestId"))

    def lookup(self, m: Outgoing) -> Result | None:
        today = clock.now().astimezone(dt.timezone(dt.timedelta(hours=9)))
        query = urllib.parse.urlencode({"senderGroupingKey": m.key, "sendType": "0" if m.kind == "SMS" else "1",
                                        "startRequestDate": f"{today - dt.timedelta(days=1):%Y-%m-%d} 00:00:00",
                                        "endRequestDate": f"{today + dt.timedelta(days=1):%Y-%m-%d} 23:59:59"})
        try:
            answer = request("GET", self.url(f"/sender/sms?{query}"), headers=self.headers(),
                             timeout=self.timeout).json()
        except (ProviderError, Ambiguous):
            return None
        rows = (answer.get("body") or {}).get("data") or []
        if not rows:  # not (yet) on the list: it may still be on its way, so we cannot tell
            return None
        row = rows[0]
        return Result(m.key, NHN_DONE.get(str(row.get("msgStatus")), "sent"), provider_id=row.get("requestId"))


class FileOutbox(Provider):
    """Development: messages are appended as JSON lines to ``<instance>/sms_outbox.jsonl``; nothing leaves the machine."""

    name, label = "file", "File (development)"
    capabilities = Capabilities(kinds=frozenset({"SMS", "LMS", "MMS"}), lookup=True, batch_size=500,
                                rate_per_second=1000, rules=("kr", "intl", "cn"))
    fields = (SettingField("path", required=False),)
    lock = threading.Lock()

    def path(self) -> Path:
        if self.settings.get("path"):
            return Path(self.settings["path"])
        if self.instance_path is None:
            raise ProviderConfigError("file: no instance folder and no path")
        return Path(self.instance_path) / "sms_outbox.jsonl"

    def send(self, batch: list[Outgoing]) -> list[Result]:
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = "".join(json.dumps({"key": m.key, "from": m.sender, "to": m.to, "kind": m.kind,
                                    "subject": m.subject, "text": m.text}, ensure_ascii=False) + "\n"
                        for m in batch)
        with self.lock, path.open("a", encoding="utf-8") as out:
            out.write(lines)
        return [Result(m.key, "sent", provider_id=f"file:{m.key}") for m in batch]

    def lookup(self, m: Outgoing) -> Result | None:
        path = self.path()
        found = path.exists() and any(json.loads(line)["key"] == m.key for line in path.open(encoding="utf-8"))
        return Result(m.key, "sent" if found else "failed", provider_id=f"file:{m.key}" if found else None,
                      error=None if found else "file: not written")


BUILT_IN = {p.name: p for p in (Aligo, Solapi, NhnCloud, FileOutbox)}
