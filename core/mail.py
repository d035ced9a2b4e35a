"""Outgoing email: enqueued as a durable job, sent by SMTP or written to the outbox folder.

:func:`enqueue_email` adds a ``core.email`` job in the caller's transaction.
The handler builds a UTF-8 MIME message (Korean/Chinese subjects and names
are RFC 2047-encoded by :mod:`email.policy`) and sends it through the SMTP
server in the settings, or, when no host is configured, writes an ``.eml``
file into ``<instance>/outbox/`` so a fresh install loses nothing.

SMTP settings: ``config.toml`` ``[smtp]`` (host, port, security
``none|starttls|ssl``, username, password, from_address, timeout, ca_file), overridden
key by key by what an administrator saved through ``/api/v1/mail/settings``.
The saved password is sealed (:mod:`core.secret_values`) and revealed only to log in.
"""
from __future__ import annotations

import base64
import email.policy
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask_babel import gettext as _

from core import audit, clock, secret_values, settings_store
from core.db import session
from core.errors import CRMError, ValidationError
from core.instance_files import private_dir
from core.jobs import IOJob, enqueue, register
from core.runtime import runtime

JOB_TYPE = "core.email"
SETTINGS_KEY = "smtp"
SECURITY_MODES = ("none", "starttls", "ssl")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
SMTP_FIELDS = ("host", "port", "security", "username", "password", "from_address", "timeout", "ca_file")
SECRET_FIELDS = ("password",)
EMAIL_PATTERN = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
DEFAULT_FROM = "plugcrm@localhost"


class MailFailed(CRMError):
    status, code = 422, "mail_failed"


# --- settings ----------------------------------------------------------------

def smtp_settings() -> dict:
    """The effective SMTP settings: config file values overridden by the stored ones (the password still sealed)."""
    merged = {"host": "", "port": None, "security": "none", "username": "", "password": "",
              "from_address": "", "timeout": 30, "ca_file": ""}
    merged.update({k: v for k, v in (runtime().settings.smtp or {}).items() if k in SMTP_FIELDS})
    merged.update({k: v for k, v in (settings_store.get(SETTINGS_KEY) or {}).items() if k in SMTP_FIELDS})
    if not merged["port"]:
        merged["port"] = DEFAULT_PORTS.get(merged["security"], 25)
    return merged


def public_settings(settings: dict) -> dict:
    """The settings as an administrator may read them: the password only as "is set"."""
    out = {k: settings[k] for k in SMTP_FIELDS if k != "password"}
    out["password_set"] = secret_values.is_set(settings.get("password"))
    out["delivery"] = "smtp" if settings.get("host") else "outbox"
    return out


def validate_settings(data: dict) -> dict:
    """Check an administrator's SMTP change; returns the cleaned values (only the keys given).

    An empty ``password`` (an untouched form field) keeps the stored one; ``null`` clears it.
    """
    if not isinstance(data, dict):
        raise ValidationError(_("Send a JSON object with the settings to change."))
    errors: dict[str, str] = {}
    unknown = sorted(set(data) - set(SMTP_FIELDS))
    for name in unknown:
        errors[name] = _("Unknown setting.")
    clean: dict = {}
    for name in ("host", "username", "password", "from_address", "ca_file"):
        if name in data:
            value = data[name]
            if name == "password" and value == "":
                continue
            if value is None:
                value = ""
            if not isinstance(value, str) or len(value) > 300 or "\n" in value or "\r" in value:
                errors[name] = _("Enter a single line of text.")
            else:
                clean[name] = value.strip() if name != "password" else value
    if "security" in data:
        if data["security"] not in SECURITY_MODES:
            errors["security"] = _("Choose one of: %(choices)s.", choices=", ".join(SECURITY_MODES))
        else:
            clean["security"] = data["security"]
    for name, low, high in (("port", 1, 65535), ("timeout", 1, 300)):
        if name in data and data[name] is not None:
            value = data[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                errors[name] = _("Enter a whole number from %(low)s to %(high)s.", low=low, high=high)
            else:
                clean[name] = value
        elif name in data:
            clean[name] = None
    if clean.get("ca_file") and not Path(clean["ca_file"]).is_file():
        errors["ca_file"] = _("No such file on the server.")
    if clean.get("from_address") and not valid_address(clean["from_address"]):
        errors["from_address"] = _("Enter a valid email address.")
    if errors:
        raise ValidationError(_("Some mail settings are not valid."), fields=errors)
    return clean


def save_settings(data: dict, user) -> dict:
    """Merge an administrator's change into the stored settings (a missing password keeps the old one)."""
    clean = validate_settings(data)
    if "password" in clean:
        clean["password"] = secret_values.seal(clean["password"])
    old = settings_store.get(SETTINGS_KEY) or {}
    stored = dict(old, **clean)
    settings_store.put(SETTINGS_KEY, stored, user)
    audit.log_settings_change(SETTINGS_KEY, old, stored, user, secret=SECRET_FIELDS)
    return smtp_settings()


# --- enqueueing --------------------------------------------------------------

def valid_address(address: str) -> bool:
    return isinstance(address, str) and len(address) <= 254 and bool(EMAIL_PATTERN.match(address.strip()))


def check_recipients(to) -> list[str]:
    if isinstance(to, str) or not isinstance(to, (list, tuple)) or not to:
        raise ValidationError(_("Give at least one recipient."), fields={"to": _("Give at least one recipient.")})
    bad = [addr for addr in to if not valid_address(addr)]
    if bad:
        raise ValidationError(_("Not a valid email address: %(addresses)s", addresses=", ".join(map(str, bad))),
                              fields={"to": _("Enter valid email addresses.")})
    return [addr.strip() for addr in to]


def enqueue_email(to: list[str], subject: str, text: str, html: str | None = None, *,
                  run_at=None, dedupe_key: str | None = None) -> int:
    """Queue an email in the caller's transaction; returns the job id."""
    recipients = check_recipients(to)
    if "\n" in subject or "\r" in subject:
        raise ValidationError(_("The subject must be a single line."), fields={"subject": _("Single line only.")})
    payload = {"to": recipients, "subject": subject, "text": text, "html": html}
    return enqueue(JOB_TYPE, payload, run_at=run_at, dedupe_key=dedupe_key)


# --- building and sending ---------------------------------------------------

def build_message(to: list[str], subject: str, text: str, html: str | None, from_address: str,
                  message_id: str | None = None, attachments: tuple = ()) -> EmailMessage:
    """A UTF-8 message; non-ASCII headers are encoded by the SMTP policy when serialised.

    ``message_id`` (the left part, before ``@``) is given for a queued email so every attempt
    carries the same ``Message-ID``; without it a fresh one is made.
    ``attachments``: ``(filename, mime type such as "application/pdf", bytes)`` triples.
    """
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = from_address
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg["Date"] = formatdate(clock.now().timestamp(), localtime=False)
    domain = sender_domain(from_address)
    msg["Message-ID"] = f"<{message_id}@{domain}>" if message_id else make_msgid(domain=domain)
    msg.set_content(text or "", charset="utf-8")
    if html:
        msg.add_alternative(html, subtype="html", charset="utf-8")
    for filename, mime_type, content in attachments:
        maintype, subtype = mime_type.split("/", 1)
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def sender_domain(from_address: str) -> str:
    try:
        return Address(addr_spec=from_address.rsplit("<", 1)[-1].rstrip(">").strip()).domain or "localhost"
    except (ValueError, IndexError):
        return "localhost"


def smtp_password(settings: dict) -> str:
    return secret_values.reveal(settings.get("password"), _("SMTP password"))


def smtp_connection(settings: dict, password: str | None = None) -> smtplib.SMTP:
    """An open, authenticated SMTP connection according to ``security``."""
    if password is None:
        password = smtp_password(settings)
    host, port, timeout = settings["host"], int(settings["port"]), float(settings.get("timeout") or 30)
    # Certificates are always verified; ``ca_file`` adds a company's own CA (or a self-signed server's certificate).
    context = ssl.create_default_context(cafile=settings.get("ca_file") or None)
    if settings["security"] == "ssl":
        conn = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        conn = smtplib.SMTP(host, port, timeout=timeout)
        if settings["security"] == "starttls":
            conn.starttls(context=context)
    try:
        if settings.get("username"):
            login(conn, settings["username"], password)
    except BaseException:
        conn.close()
        raise
    return conn


def login(conn: smtplib.SMTP, username: str, password: str) -> None:
    """``SMTP.login``, except that non-ASCII credentials go as UTF-8 AUTH PLAIN (smtplib only does ASCII)."""
    if (username + password).isascii():
        conn.login(username, password)
        return

    conn.ehlo_or_helo_if_needed()
    token = base64.b64encode(b"\0" + username.encode() + b"\0" + password.encode()).decode("ascii")
    code, reply = conn.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def deliver(msg: EmailMessage, settings: dict, password: str | None = None) -> str:
    """Send ``msg`` by SMTP, or write it to the outbox when no host is set; returns where it went.

    ``password``: the revealed SMTP password when the caller opened it already (a job's prepare step).
    """
    if not settings.get("host"):
        return str(write_outbox(msg))
    with smtp_connection(settings, password) as conn:
        conn.send_message(msg)
    return f"smtp://{settings['host']}:{settings['port']}"


def write_outbox(msg: EmailMessage) -> Path:
    outbox = private_dir(runtime().settings.instance_path / "outbox")
    stamp = clock.now().strftime("%Y%m%dT%H%M%S")
    path = outbox / f"{stamp}-{make_msgid().strip('<>').split('@')[0]}.eml"
    path.write_bytes(msg.as_bytes(policy=email.policy.SMTP))
    return path


def describe_smtp_error(exc: BaseException) -> str:
    """A short reason for the administrator (never the credentials, which smtplib does not echo)."""
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {reply}"
    return f"{type(exc).__name__}: {exc}"


def send_test_email(to: list[str]) -> str:
    """Send the administrator's test email at once; MailFailed carries the server's answer. Returns where it went."""
    prepared = prepare(check_recipients(to), _("plugcrm test email"),
                       _("This is a test email from plugcrm. Your mail settings work."))
    session().rollback()  # it only read: end the transaction, so no lock is held while the SMTP server answers
    try:
        return send_email(prepared)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailFailed(_("The mail server refused or could not be reached: %(error)s",
                           error=describe_smtp_error(exc)))


@dataclass
class PreparedEmail:
    """What the send step of a ``core.email`` job needs, read from the database beforehand."""

    message: EmailMessage
    settings: dict
    password: str


def prepare(to: list[str], subject: str, text: str, html: str | None = None,
            message_id: str | None = None, attachments: tuple = ()) -> PreparedEmail:
    """Read the settings of the moment (and open the password) and build the message: the database part."""
    settings = smtp_settings()
    msg = build_message(check_recipients(to), subject, text, html, settings.get("from_address") or DEFAULT_FROM,
                        message_id=message_id, attachments=attachments)
    return PreparedEmail(msg, settings, smtp_password(settings) if settings.get("host") else "")


def prepare_email(payload: dict, ctx) -> PreparedEmail:
    """In the job's first transaction; every attempt of the job carries the same Message-ID."""
    return prepare(payload["to"], payload["subject"], payload.get("text") or "", payload.get("html"),
                   message_id=f"plugcrm.{ctx.idempotency_key}")


def send_email(prepared: PreparedEmail, ctx=None) -> str:
    """With no transaction open: deliver; an SMTP error raises (a job then retries with backoff)."""
    return deliver(prepared.message, prepared.settings, prepared.password)


#: ``core.email``: an attempt whose outcome is unknown sends again with the same Message-ID.
register(JOB_TYPE, IOJob(prepare=prepare_email, send=send_email))
