"""Runtime domain events (blinker).  Plugins connect receivers; the core and plugins send.

Every receiver is called synchronously inside the sender's transaction, so a
receiver that writes (workflows updating fields, enqueuing jobs) commits or
rolls back together with the change that caused it.  The sender is the
entity name (``"accounts"``), so ``signal.connect(fn, sender="accounts")``
listens to one entity.
"""
from blinker import Namespace

_signals = Namespace()

record_created = _signals.signal("record-created", doc="""
Sent by :mod:`core.entities.records` after a record was inserted.
Keyword arguments: ``entity`` (the :class:`Entity`), ``record`` (dict),
``user``, ``session``.""")

record_updated = _signals.signal("record-updated", doc="""
Sent after a record was updated, also for each record an ownership transfer
moves (:mod:`core.transfer`; ``"owner_id"`` in ``changes``).  Keyword
arguments: ``entity``, ``record`` (dict after the change), ``old`` (dict
before), ``changes`` (set of changed field names), ``user``, ``session``.""")

record_deleted = _signals.signal("record-deleted", doc="""
Sent after a record moved to the recycle bin.  ``entity``, ``record``, ``user``, ``session``.""")

record_restored = _signals.signal("record-restored", doc="""
Sent after a record came back from the recycle bin.  ``entity``, ``record``, ``user``, ``session``.""")

record_purged = _signals.signal("record-purged", doc="""
Sent before a record is removed for good by an administrator.  ``entity``, ``record``, ``user``, ``session``.
Removals in bulk (undo of an import) send :data:`records_purged` instead.""")

records_purged = _signals.signal("records-purged", doc="""
Sent by :mod:`core.importexport.undo` before many records are removed for good at once (the records an
import created).  ``entity``, ``ids`` (a list of up to 1,000 record ids; sent once per chunk), ``user``,
``session``.  Receivers clean up their own rows set-based (``DELETE ... WHERE record_id IN ids``).""")

stage_changed = _signals.signal("stage-changed", doc="""
Sent by the opportunities plugin when a deal moves to another stage.
``entity``, ``record``, ``old_stage``, ``new_stage``, ``user``, ``session``.""")

call_ringing = _signals.signal("call-ringing", doc="""
Sent by telephony plugins when a call rings at an extension.  ``phone`` (normalised caller
number), ``extension``, ``matches`` (list of ``(entity, record)``), ``payload`` (raw callback).""")

user_logged_in = _signals.signal("user-logged-in", doc="""
Sent after a login attempt.  ``user`` (or None), ``email``, ``success``, ``ip``, ``user_agent``.""")

after_commit = _signals.signal("after-commit", doc="""
Sent after a request's transaction committed (wake the embedded worker, push events to browsers).
``session``.""")
