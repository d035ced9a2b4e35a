"""Send a quote by email with its PDF attached (a durable job, logged on the quote).

The request writes a :class:`~plugins.quotes.models.QuoteEmail` row and queues
``quotes.send`` in the same transaction.  The job is a :class:`core.jobs.IOJob`:
it prepares the message (reads the quote, renders the PDF) in one transaction,
talks to the mail server with none open, and marks the log row sent in another.
An SMTP failure raises, and the queue retries with backoff.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import force_locale

from core import clock
from core.db import session
from core.entities import records
from core.jobs import IOJob, PermanentJobError, enqueue
from core.mail import PreparedEmail, check_recipients, prepare, send_email
from core.errors import ValidationError
from core.plugin_api import translator
from core.security.models import User
from core.security.permissions import require_right
from plugins.quotes import output
from plugins.quotes.documents import entity
from plugins.quotes.models import QuoteEmail

_, _l = translator("quotes")

JOB_TYPE = "quotes.send"


def queue(quote_id: int, data: dict, user) -> QuoteEmail:
    """Validate ``{"to": [...], "subject"?, "message"?}`` and queue the email; 422 on bad input, nothing written."""
    quotes = entity("quotes")
    require_right(user, quotes, "view")
    quote = records.get(quotes, quote_id, user)
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    to = check_recipients(data.get("to"))
    subject = data.get("subject") or _("Quotation %(number)s: %(title)s", number=quote["number"], title=quote["title"])
    message = data.get("message") or _("Please find our quotation attached.")
    if not isinstance(subject, str) or "\n" in subject or "\r" in subject or len(subject) > 300:
        raise ValidationError(_("The subject must be a single line."), {"subject": _("Single line only.")})
    if not isinstance(message, str) or len(message) > 10000:
        raise ValidationError(_("Some fields are not valid."), {"message": _("At most %(n)s characters.", n=10000)})
    row = QuoteEmail(quote_id=quote_id, to=", ".join(to), subject=subject, user_id=user.id, status="queued",
                     queued_at=clock.now())
    session().add(row)
    session().flush()
    row.job_id = enqueue(JOB_TYPE, {"email_id": row.id, "to": to, "message": message})
    return row


def log(quote_id: int) -> list[dict]:
    rows = session().execute(sa.select(QuoteEmail, User.name).outerjoin(User, User.id == QuoteEmail.user_id)
                             .where(QuoteEmail.quote_id == quote_id).order_by(QuoteEmail.id.desc())).all()
    return [{"id": r.id, "to": r.to, "subject": r.subject, "status": r.status, "user": name, "job_id": r.job_id,
             "queued_at": r.queued_at.isoformat().replace("+00:00", "Z"),
             "sent_at": r.sent_at.isoformat().replace("+00:00", "Z") if r.sent_at else None} for r, name in rows]


def prepare_send(payload: dict, ctx) -> tuple[int, PreparedEmail]:
    """In the job's first transaction: read the quote, render its PDF, build the message (the same
    Message-ID on every attempt, so a repeat after an unknown outcome is recognisable)."""
    sess = session()
    row = sess.get(QuoteEmail, payload["email_id"])
    if row is None:
        raise PermanentJobError("the quote's email log entry is gone")
    sender = sess.get(User, row.user_id) if row.user_id else None
    quote = records.fetch(entity("quotes"), row.quote_id)
    if quote is None or sender is None:
        raise PermanentJobError("the quote or its sender is gone")
    with force_locale(sender.language or "ko"):
        pdf = output.render_pdf(quote, sender)
    prepared = prepare(payload["to"], row.subject, payload.get("message") or "", None,
                       message_id=f"plugcrm.{ctx.idempotency_key}",
                       attachments=[(f"{quote['number']}.pdf", "application/pdf", pdf)])
    return row.id, prepared


def send(request: tuple[int, PreparedEmail], ctx) -> int:
    """With no transaction open: talk to the mail server; an SMTP failure raises and the job retries."""
    email_id, prepared = request
    send_email(prepared, ctx)
    return email_id


def record_sent(email_id: int, ctx) -> None:
    """In the transaction that marks the job done: the log row says sent."""
    session().execute(sa.update(QuoteEmail).where(QuoteEmail.id == email_id)
                      .values(status="sent", sent_at=clock.now()))


#: ``quotes.send``: like ``core.email``, an attempt whose outcome is unknown sends again with the same Message-ID.
send_job = IOJob(prepare=prepare_send, send=send, record=record_sent)
