"""Composing a send: the rules enforced on the server, then one log row per recipient and a durable job.

Everything here runs in the caller's transaction (the caller commits): the
message, its 10,000 log rows and the job that sends them are written together
or not at all.  The order of the checks is the order a person fixes things in:
the sender number, the recipients, the text (length, unencodable characters),
the advertising rules, the daily cap.
"""
from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from itsdangerous import BadSignature, URLSafeSerializer

from core import clock
from core.db import session
from core.errors import CRMError, NotFound, ValidationError
from core.jobs import enqueue
from core.plugin_api import translator
from core.runtime import runtime
from plugins.sms import config, length, rules
from plugins.sms.length import LengthError, Plan, TooLong, Unencodable
from plugins.sms.models import QUEUED, Consent, LogEntry, Message, OptOut, Profile, Sender
from plugins.sms.recipients import Cleaned, Recipient, clean, consenting, gather, normalise

_, _l = translator("sms")

JOB_TYPE = "sms.send"
MERGE_FIELDS = ("name", "company")


class NightBlocked(CRMError):
    status, code = 422, "night_blocked"


class DailyCapReached(CRMError):
    status, code = 422, "daily_cap"


# --- text --------------------------------------------------------------------------

def merge(template: str, recipient: Recipient) -> str:
    """``{name}`` and ``{company}`` filled in (plain replacement: the text is not a template language)."""
    text = template
    for name in MERGE_FIELDS:
        text = text.replace("{" + name + "}", getattr(recipient, name) or "")
    return text


def optout_url(phone: str, settings: dict) -> str:
    token = URLSafeSerializer(runtime().settings.secret_key, salt="sms-optout").dumps(phone)
    return f"{settings['public_url'].rstrip('/')}/sms/optout/{token}"


def phone_from_token(token: str) -> str:
    try:
        return URLSafeSerializer(runtime().settings.secret_key, salt="sms-optout").loads(token)
    except BadSignature:
        raise NotFound(_("This opt-out link is not valid.")) from None


def final_text(body: str, recipient: Recipient, *, signature: str, advertising: bool, settings: dict,
               with_link: bool = False) -> str:
    """What the recipient reads: merge fields, the signature, and for an ad the legal prefix and opt-out lines."""
    text = merge(body, recipient)
    if signature and settings["rule"] != "cn":
        text = f"{text}\n{signature}"
    if advertising:
        text = rules.ad_text(text, settings["company_name"], settings["company_contact"], settings["optout_number"])
        if with_link and settings.get("public_url") and recipient.phone:
            text = f"{text}\n{rules.optout_link_line(optout_url(recipient.phone, settings))}"
    return text


def measure(text: str, subject: str, settings: dict, signature: str) -> Plan:
    return length.measure(text, settings["rule"], subject=subject,
                          signature=signature if settings["rule"] == "cn" else "")


def length_error(exc: LengthError, who: str = "") -> ValidationError:
    """The 422 for a text the carriers would refuse, naming the characters or the sizes."""
    field = "subject" if exc.field == "subject" else "body"
    if isinstance(exc, Unencodable):
        message = _("These characters cannot be sent by SMS: %(chars)s", chars=" ".join(exc.chars))
    elif isinstance(exc, TooLong):
        message = _("Too long: %(used)s of at most %(limit)s bytes.", used=exc.used, limit=exc.limit)
    else:
        message = str(exc)
    if who:
        message = f"{message} ({who})"
    error = ValidationError(message, {field: message})
    error.extra["reason"] = exc.code
    if isinstance(exc, Unencodable):
        error.extra["characters"] = exc.chars
    return error


def preview(data: dict, user) -> dict:
    """The counter's answer for a text as the user typed it (no recipients: merge fields stay as written)."""
    settings = config.current()
    signature = own_signature(user) if data["signature"] else ""
    if data["advertising"]:
        check_ad_settings(settings)
    text = final_text(data["body"], Recipient(""), signature=signature, advertising=data["advertising"],
                      settings=settings)
    rule = data.get("rule") or settings["rule"]
    try:
        plan = length.measure(text, rule, subject=data["subject"], signature=signature if rule == "cn" else "")
    except LengthError as exc:
        raise length_error(exc) from None
    return {"text": text, "rule": plan.rule, "kind": plan.kind, "encoding": plan.encoding, "units": plan.units,
            "limit": plan.limit, "segments": plan.segments, "parts": list(plan.parts)}


# --- checks ------------------------------------------------------------------------

def active_sender(sender_id: int) -> Sender:
    sender = session().get(Sender, sender_id)
    if sender is None or not sender.active:
        raise ValidationError(_("Only a registered sender number can send."),
                              {"sender_id": _("Choose a registered sender number.")})
    return sender


def check_ad_settings(settings: dict) -> None:
    missing = [k for k in ("company_name", "company_contact", "optout_number") if not settings.get(k)]
    if missing:
        raise ValidationError(_("An advertisement needs the company name, its contact number and a free "
                                "opt-out number in the SMS settings."), {k: _("Required for advertising.")
                                                                          for k in missing})


def own_signature(user) -> str:
    profile = session().get(Profile, user.id)
    return profile.signature if profile else ""


def sent_today(settings: dict) -> int:
    """Log rows created since midnight in Korea (the deployment's day for the cap)."""
    midnight = clock.now().astimezone(rules.KST).replace(hour=0, minute=0, second=0, microsecond=0)
    return session().scalar(sa.select(sa.func.count(LogEntry.id)).where(LogEntry.created_at >= midnight)) or 0


def check_daily_cap(count: int, settings: dict) -> None:
    already = sent_today(settings)
    if already + count > settings["daily_cap"]:
        raise DailyCapReached(_("The daily limit of %(cap)s messages would be exceeded: %(already)s sent today, "
                                "%(count)s more asked.", cap=settings["daily_cap"], already=already, count=count),
                              cap=settings["daily_cap"], already=already)


def send_time(data: dict, cleaned: Cleaned) -> tuple[dt.datetime, bool]:
    """When the send may go, and whether it may go on at night (every recipient consented to that)."""
    now = clock.now()
    planned = max(data.get("send_at") or now, now)
    if not data["advertising"]:
        return planned, True
    contacts = {r.contact_id for r in cleaned.recipients}
    night_ok = None not in contacts and consenting(contacts, night=True) == contacts
    if night_ok:
        return planned, True
    try:
        return rules.ad_send_time(planned, data["night_policy"]), False
    except rules.NightBlocked as exc:
        local = exc.allowed_at.astimezone(rules.KST)
        raise NightBlocked(_("Advertising may not be sent between 21:00 and 08:00 (Korean time). Schedule it "
                             "for %(time)s or choose to reschedule.", time=local.strftime("%Y-%m-%d %H:%M")),
                           allowed_at=exc.allowed_at.isoformat()) from None


# --- composing ---------------------------------------------------------------------

def compose(data: dict, user, *, origin: str = "composer") -> Message:
    """Queue a send (``data`` as loaded by :class:`plugins.sms.schemas.ComposeSchema`); returns the message."""
    sender = active_sender(data["sender_id"])
    settings = config.lock()
    if data["test"]:
        cleaned = Cleaned(recipients=[Recipient(own_mobile(user), user.name, settings["company_name"])])
    else:
        found, invalid = gather(data, user)
        cleaned = clean(found, invalid, advertising=data["advertising"])
    if not cleaned.recipients:
        raise ValidationError(_("No one is left to send to."), {"recipients": _("No recipients.")},
                              counts=cleaned.counts())
    if data["advertising"]:
        check_ad_settings(settings)
    signature = own_signature(user) if data["signature"] else ""
    rows = texts(data, cleaned.recipients, settings, signature)
    send_at, night_ok = send_time(data, cleaned)
    check_daily_cap(len(rows), settings)
    return queue(Message(owner_id=user.id, origin="test" if data["test"] else origin, sender=sender.number,
                         subject=data["subject"], body=data["body"], advertising=data["advertising"],
                         night_ok=night_ok, send_at=send_at), settings, cleaned, rows)


def queue_direct(owner_id: int, targets: list[Recipient], text: str, *, origin: str) -> Message | None:
    """Queue a plain (non-advertising) text to ``targets`` from the first registered sender: reminders, workflows.

    Opted-out numbers and duplicates are removed; ``None`` when no one is left
    or no sender number is registered.
    """
    sender = session().scalar(sa.select(Sender).where(Sender.active).order_by(Sender.id))
    settings = config.lock()
    cleaned = clean([t for t in targets if t.phone], 0, advertising=False)
    if sender is None or not cleaned.recipients:
        return None
    data = {"body": text, "subject": "", "advertising": False}
    rows = texts(data, cleaned.recipients, settings, "")
    check_daily_cap(len(rows), settings)
    return queue(Message(owner_id=owner_id, origin=origin, sender=sender.number, subject="", body=text,
                         advertising=False, night_ok=True, send_at=clock.now()), settings, cleaned, rows)


def texts(data: dict, recipients: list[Recipient], settings: dict, signature: str) -> list[tuple]:
    """``(recipient, text, plan)`` per recipient; the first text the carriers would refuse is a 422.

    An advertisement that goes as an LMS also gets the public opt-out link (when the site's address is set).
    """
    provider = config.providers().get(settings["provider"])
    out, cache = [], {}

    def plan_for(text: str, recipient: Recipient) -> Plan:
        if text not in cache:
            try:
                cache[text] = measure(text, data["subject"], settings, signature)
            except LengthError as exc:
                raise length_error(exc, recipient.name or recipient.phone) from None
        return cache[text]

    for recipient in recipients:
        text = final_text(data["body"], recipient, signature=signature, advertising=data["advertising"],
                          settings=settings)
        plan = plan_for(text, recipient)
        if data["advertising"] and plan.kind != length.SMS and settings.get("public_url"):
            text = final_text(data["body"], recipient, signature=signature, advertising=True, settings=settings,
                              with_link=True)
            plan = plan_for(text, recipient)
        if provider is not None and plan.kind not in provider.capabilities.kinds:
            raise ValidationError(_("The SMS provider cannot send %(kind)s messages.", kind=plan.kind),
                                  {"body": _("Shorten the text.")})
        out.append((recipient, text, plan))
    return out


def own_mobile(user) -> str:
    profile = session().get(Profile, user.id)
    phone = normalise(profile.mobile) if profile else None
    if phone is None:
        raise ValidationError(_("Enter your own mobile number in your SMS profile first."),
                              {"mobile": _("Not set.")})
    return phone


def queue(message: Message, settings: dict, cleaned: Cleaned, rows: list[tuple]) -> Message:
    """Write the message, one log row per recipient (one multi-row insert) and the job that sends them."""
    now = clock.now()
    message.rule, message.provider, message.created_at = settings["rule"], settings["provider"], now
    message.recipients, message.removed_optout = len(rows), cleaned.optout
    message.removed_duplicate, message.removed_no_consent = cleaned.duplicate, cleaned.no_consent
    message.removed_invalid = cleaned.invalid
    session().add(message)
    session().flush()
    session().execute(sa.insert(LogEntry.__table__), [
        {"message_id": message.id, "owner_id": message.owner_id, "phone": r.phone, "contact_id": r.contact_id,
         "account_id": r.account_id, "name": (r.name or "")[:200], "text": text, "kind": plan.kind,
         "segments": plan.segments, "status": QUEUED, "idempotency_key": uuid.uuid4().hex, "created_at": now}
        for r, text, plan in rows])
    enqueue(JOB_TYPE, {"message_id": message.id}, run_at=message.send_at, max_attempts=10,
            dedupe_key=f"{JOB_TYPE}:{message.id}")
    return message


def message_json(message: Message, counts: dict | None = None) -> dict:
    out = {k: getattr(message, k) for k in ("id", "owner_id", "origin", "sender", "subject", "body", "rule",
                                            "advertising", "provider", "recipients", "removed_optout",
                                            "removed_duplicate", "removed_no_consent", "removed_invalid")}
    out["send_at"] = message.send_at.isoformat()
    out["created_at"] = message.created_at.isoformat()
    if counts is not None:
        out["status_counts"] = counts
    return out


# --- opt-outs, senders, profiles, consent --------------------------------------------

def add_optouts(numbers: list[str], source: str, note: str, user) -> dict:
    """Record refusals (080 replies by hand, an imported list); returns how many were new, known and invalid."""
    phones, invalid = [], []
    for raw in numbers:
        phone = normalise(raw)
        (phones if phone else invalid).append(phone or raw)
    if invalid:
        raise ValidationError(_("Some recipients are not valid."),
                              {"numbers": _("Not a valid phone number: %(numbers)s.", numbers=", ".join(invalid))})
    unique = list(dict.fromkeys(phones))
    known = set(session().scalars(sa.select(OptOut.phone).where(OptOut.phone.in_(unique))))
    new = [p for p in unique if p not in known]
    if new:
        session().execute(sa.insert(OptOut), [{"phone": p, "source": source, "note": note, "created_at": clock.now(),
                                               "created_by_id": getattr(user, "id", None)} for p in new])
    return {"added": len(new), "already": len(known), "duplicates": len(phones) - len(unique)}


def register_sender(data: dict, user) -> Sender:
    number = normalise(data["number"])
    if number is None:
        raise ValidationError(_("Some fields are not valid."), {"number": _("Not a valid phone number.")})
    if session().scalar(sa.select(Sender.id).where(Sender.number == number)) is not None:
        raise ValidationError(_("Some fields are not valid."), {"number": _("This number is already registered.")})
    sender = Sender(number=number, label=data["label"], active=data["active"], created_at=clock.now(),
                    created_by_id=user.id)
    session().add(sender)
    session().flush()
    return sender


def save_profile(user, data: dict) -> Profile:
    profile = session().get(Profile, user.id) or Profile(user_id=user.id, signature="")
    if "mobile" in data:
        phone = normalise(data["mobile"]) if data["mobile"] else None
        if data["mobile"] and phone is None:
            raise ValidationError(_("Some fields are not valid."), {"mobile": _("Not a valid phone number.")})
        profile.mobile = phone
    if "signature" in data:
        profile.signature = data["signature"].strip()
    session().add(profile)
    return profile


def consent_json(contact_id: int) -> dict:
    consent = session().get(Consent, contact_id)
    if consent is None:
        return {"contact_id": contact_id, "ads": False, "night": False, "given_on": None, "source": ""}
    return {"contact_id": contact_id, "ads": consent.ads, "night": consent.night and consent.ads,
            "given_on": consent.given_on.isoformat() if consent.given_on else None, "source": consent.source}


def save_consent(contact_id: int, data: dict, user) -> dict:
    """Record a contact's consent (or its withdrawal); consent needs the date and where it was given."""
    if data["ads"] and (data["given_on"] is None or not data["source"].strip()):
        raise ValidationError(_("Consent needs the date it was given and its source."),
                              {k: _("Required with consent.") for k in ("given_on", "source")
                               if not data[k] or (k == "source" and not data[k].strip())})
    consent = session().get(Consent, contact_id) or Consent(contact_id=contact_id)
    consent.ads, consent.night = data["ads"], data["night"] and data["ads"]
    consent.given_on, consent.source = data["given_on"], data["source"].strip()
    consent.updated_at, consent.updated_by_id = clock.now(), user.id
    session().add(consent)
    session().flush()
    return consent_json(contact_id)
