"""The plugcrm hook specifications: the plugin author's reference.

A plugin is a Python module (or package) with a module-level ``manifest``
(:class:`core.plugins.Manifest`) and functions decorated with ``@hookimpl``
whose names match the specs below.  The core calls these hooks at start-up to
*collect* what plugins contribute; runtime events (a record was saved, a phone
is ringing) are blinker signals in :mod:`core.signals`, not hooks.

Every hook returns data; no hook receives the Flask app.  The core registers
what is returned and checks it (URL prefixes, table prefixes, names).

Hooks that return a list are called on every enabled plugin and the lists are
concatenated in plugin load order (dependencies first).

Example::

    from hooks import hookimpl
    from core.plugins import Manifest
    from core.entities import Entity, Field

    manifest = Manifest(name="installed_base", version="1.0", label="Installed base",
                        depends=["customers"])

    @hookimpl
    def crm_entities():
        return [Entity(name="installations", ...)]
"""
from __future__ import annotations

import pluggy

PROJECT = "plugcrm"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- start-up contributions -------------------------------------------------

@hookspec
def crm_entities():
    """Return a list of :class:`core.entities.Entity` declarations.

    One declaration drives the entity's table, schema, REST endpoints
    (``/api/v1/<name>``), metadata, filters, list/detail pages, import/export
    and workflow conditions.  Table names are ``<plugin>_<entity>``, or the entity
    name alone when it already starts with ``<plugin>_``.
    """


@hookspec
def crm_picklists():
    """Return a list of :class:`core.entities.Picklist` with default values.

    Defaults are written to the database the first time the plugin is
    migrated; afterwards administrators own the values (labels, order,
    colour, active flag, extra data such as a stage's probability).
    """


@hookspec
def crm_migrations():
    """Return the path of this plugin's Alembic ``versions`` folder.

    Not needed for the usual layout: ``<package>/migrations/versions`` is found by convention.
    The folder holds one Alembic branch labelled with the plugin's name.  Its
    first revision has ``down_revision = None``, ``branch_labels =
    ("<plugin>",)`` and ``depends_on`` naming the heads of the core and of each
    plugin in ``manifest.depends`` when it was written: that is what
    ``plugcrm db revision <plugin> -m ...`` (and ``plugcrm new-plugin``) write,
    so the first revision runs after the tables it references exist.  Later
    revisions follow it (``down_revision``).  ``plugcrm db upgrade`` and
    ``plugcrm plugins enable`` upgrade the branch of every enabled plugin.
    """


@hookspec
def crm_blueprints():
    """Return a list of Flask blueprints (pages or extra API routes).

    The core registers them.  A blueprint's ``url_prefix`` must be
    ``/<plugin name>`` (pages) or ``/api/v1/<plugin name>`` (API); anything
    else is a start-up error.  Views are login-protected unless decorated with
    :func:`core.security.public_endpoint` (web-form submissions, telephony
    callbacks), which should also be rate limited.
    """


@hookspec
def crm_cli_commands():
    """Return a list of ``click`` commands added under ``plugcrm <plugin> ...``."""


@hookspec
def crm_translation_dirs():
    """Return a list of folders holding gettext catalogues (``<lang>/LC_MESSAGES/messages.po``).

    Not needed for the usual layout: ``<package>/translations`` is found by convention.  The
    catalogues form the plugin's own domain (:mod:`core.i18n`): a msgid the core translates keeps
    the core's translation everywhere.
    """


@hookspec
def crm_job_type_labels():
    """Return ``{job_type: lazy label}`` for the plugin's job types, shown on the jobs page ("SMS sending")."""


@hookspec
def crm_job_handlers():
    """Return a ``{job_type: handler}`` mapping; a handler is ``callable(payload: dict, ctx)`` or a
    :class:`core.jobs.IOJob`.

    Handlers run in the worker, outside any request, inside an app context:
    use :func:`core.db.session` (the job is marked done in the same
    transaction, so do not commit unless you work in chunks).  ``ctx.job_id``,
    ``ctx.attempt`` (1, 2, ...) and ``ctx.progress(done, total)`` are there for
    long jobs.  A job that talks to the network (SMTP, HTTP, an SMS gateway)
    must be an ``IOJob(prepare, send, record=None, reconcile=None)``: no
    transaction is open during ``send``, and ``ctx.idempotency_key`` (the same
    on every attempt) goes to the receiver so it can drop a repeat.  Raise to fail the attempt; the queue retries with exponential
    backoff and ends in ``dead`` with the last error (raise
    :class:`core.jobs.PermanentJobError` when retrying cannot help).
    Enqueue with :func:`core.jobs.enqueue` inside the transaction that caused
    the side effect; job types are namespaced ``"<plugin>.<what>"``.
    """


# --- questions asked at run time --------------------------------------------

@hookspec
def crm_before_save(entity, values, old, user):
    """Adjust or validate ``values`` (a dict) before a record is written.

    ``old`` is the stored record as a dict (``None`` on create).  On create ``values`` holds the
    fields sent plus defaults; on update (a PATCH sends only the changed fields) it holds the
    stored record with the changes applied, so a rule over two fields sees both.  Values are
    Python values: ``date``/aware UTC ``datetime``, ``Decimal`` for decimal and money, ``int``
    ids for references and users, the value code (``"paid"``) for picklists.  Compute
    derived fields here (line-item totals, forecast amount) by assigning into
    ``values``; raise :class:`core.errors.ValidationError` with a
    ``{field: message}`` mapping to refuse the save.  Called for every entity:
    return early when ``entity.name`` is not yours.  Also called for each
    record an ownership transfer moves (only ``owner_id`` given); refusing
    one stops the transfer.
    """


@hookspec
def crm_after_save(entity, record, old, user, session):
    """Run extra writes in the same transaction after a record was saved.

    ``record`` and ``old`` are dicts (``old`` is ``None`` on create).  Use
    ``session`` for related tables (stage history, revenue schedules).  Do not
    send email here: enqueue a job instead.
    """


@hookspec
def crm_visibility_condition(entity, user):
    """Return an extra SQLAlchemy condition ANDed to every read of ``entity``.

    The core's own ownership/sharing rule is always applied; use this to narrow
    further (e.g. cost columns, territories).  Return ``None`` to add nothing.
    Called for every entity: return ``None`` when ``entity.name`` is not yours.

    For a plugin's *own* tables (not entities), apply the same rule with
    :func:`core.security.permissions.owner_condition` (``owner_column`` is the
    user or a subordinate) or start from
    :func:`core.entities.query.visible_select` of the entity the rows belong to.
    """


@hookspec
def crm_visibility_grants(entity, user):
    """Return a SQLAlchemy condition that makes more *private* records of ``entity`` visible to ``user``.

    ORed with the core's rule (owner, or a user in a role above the owner's),
    e.g. the assignees of a task: ``entity.table.c.id.in_(select(link.c.activity_id)
    .where(link.c.user_id == user.id))``.  Grants open reading only; editing and
    deleting stay with the owner and superiors (unless the entity is ``public_rw``).
    The role must still have the ``view`` right.  Return ``None`` to add nothing.
    """


@hookspec
def crm_default_rights():
    """Return default rights per role and entity: ``{role: {entity: ["view", "create", ...]}}``.

    Actions are ``view create edit delete import export``.  These replace the
    core default (everything for owner/director/manager/sales; view, create and
    edit for service/warehouse/purchasing) for the entities named, until an
    administrator stores other rights through ``/api/v1/roles/<id>/rights``.
    Example: ``{"warehouse": {"stock_movements": ["view", "create", "edit", "delete"]}}``.
    """


@hookspec
def crm_hidden_fields(entity, user):
    """Return names of ``entity``'s fields that ``user`` may not see (field-level security).

    Every path leaves them out and refuses filters, sorts, import mappings and
    match fields on them as unknown (records, lists, history, related lists,
    reports, exports, imports, the 360° view: :mod:`core.security.fields`);
    e.g. products hide ``cost`` from roles without the cost right.  A plugin's
    own route that returns records passes them through
    :func:`core.security.fields.strip_hidden`.  Refuse *writes* to such fields in :func:`crm_before_save`.  Return
    ``None`` or an empty collection to hide nothing.
    """


@hookspec
def crm_related_lists(entity):
    """Return :class:`core.entities.RelatedList` items shown on ``entity``'s record.

    Each names a child entity and the reference field pointing back, e.g.
    contacts on accounts through ``account_id``.  They appear as tabs with
    counts on the detail page and in the customer 360° call.
    """


@hookspec
def crm_record_panels(entity):
    """Return extra panels for a record page of ``entity``.

    Each panel is a ``dict(title=..., template=..., order=...)``; the template
    is rendered inside its own box on the record page (below the field blocks)
    with ``record`` (a dict in Python form), ``entity`` and ``display``
    (reference titles and picklist labels) in its context.  Put plugin actions
    such as "convert to quote" in a panel as buttons or forms (POST forms need
    ``<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">``).
    """


@hookspec
def crm_menu_items(user):
    """Return ``dict(label=..., endpoint=..., icon=..., order=..., group=..., args={...})`` menu entries for ``user``.

    ``endpoint`` is a Flask endpoint of the plugin's blueprint (``args`` are its
    URL arguments).  The menu already lists every entity the user may view;
    return only extra pages, and nothing for users who may not open them.
    ``group`` is one of :data:`core.ui.shell.MENU_GROUPS` (``sales``,
    ``customers``, ...; ``more`` for administrators' settings pages); entries
    are sorted by ``order`` within their group.
    """


@hookspec
def crm_page_scripts(user):
    """Return URLs of scripts every page loads for ``user`` (a signed-in user; never called without one).

    For features that live beside every page rather than on one (the CTI
    plugin's incoming-call popup).  Return a URL from the plugin's own
    blueprint's static folder, and nothing for users the feature is not for.
    """


@hookspec
def crm_dashboard_widgets(user):
    """Return workbench widgets ``dict(title=..., template=..., order=..., context=callable, wide=False)``.

    Each widget is drawn in its own box.  ``context(user)`` (optional) returns a
    dict available to the template as ``ctx``; ``user`` is in the context too.
    Read data through :func:`core.entities.query.visible_select`.  The core's
    own widgets (recently changed records, new records per week) have orders 50
    and 60; a chart is a ``<canvas data-chart="{{ config|tojson|forceescape }}">``
    with a Chart.js configuration (the library is served by the app).
    """


@hookspec
def crm_workflow_task_types():
    """Return workflow task types ``{name: TaskType()}`` (send SMS, create invoice, ...).

    Subclass :class:`plugins.workflows.tasks.TaskType` (needs the ``workflows``
    plugin in ``depends`` or ``uses``): ``compile(entity, config, env)`` checks
    the task's settings when a workflow is saved (raise ``TaskError(key,
    message)``; ``env.field``/``env.expression``/``env.template`` check fields,
    expressions and Jinja2 templates), ``run(compiled, ctx)`` performs it in the
    record's transaction - enqueue a job with :func:`core.jobs.enqueue`, never
    call the network - and returns ``{"status": "queued", "job_id": ...}``;
    ``preview(compiled, ctx)`` describes it for the dry run; ``params`` (a tuple of
    :class:`plugins.workflows.tasks.Param`) declares its settings, from which the
    workflow designer renders its form.  ``ctx.record``,
    ``ctx.view.value("account.industry")`` and
    :func:`plugins.workflows.templates.render` give the record's values.
    """


@hookspec
def crm_workflow_functions():
    """Return ``{name: callable}`` functions usable in workflow expressions.

    A plain callable takes and returns any value (numbers arrive as
    ``Decimal``, dates as ``date``, missing values as ``None``).  Return a
    :class:`plugins.workflows.expressions.Function` with argument and result
    types (``NUMBER``, ``TEXT``, ``DATE`` ...) to have calls type-checked when
    the workflow is saved, e.g. ``Function(fn, (DATE, DATE), NUMBER)``.
    Functions must not write anything.
    """


@hookspec
def crm_default_workflows():
    """Return workflow definitions (dicts) installed when the workflows plugin is enabled.

    The format is the ``/api/v1/workflows`` body (see
    :mod:`plugins.workflows.definitions`)::

        {"name": "forecast amount", "entity": "opportunities", "trigger": {"type": "save"},
         "conditions": {"all": [], "any": []},
         "tasks": [{"type": "update_fields",
                    "fields": [{"field": "forecast_amount", "expr": "amount * probability / 100"}]}]}

    Each is installed once (keyed ``<plugin>:<name>``, or ``"key"`` if given);
    administrators may then edit or switch it off, and deleting it switches it
    off so it is not installed again.
    """


@hookspec
def crm_import_formats():
    """Return ``{".ext": reader}`` file formats the importer can read (e.g. ``.vcf``).

    ``reader(binary_file)`` yields one ``{header: value}`` dict per record;
    the headers are matched to fields like spreadsheet column names (API
    names or labels in ko/zh/en), so a vCard reader may yield
    ``{"name": ..., "mobile": ..., "email": ...}``.  Raise ``ValueError``
    with a readable message for a damaged file.  Built in: ``.xlsx``,
    ``.csv``, ``.txt``.
    """


@hookspec
def crm_export_formats():
    """Return ``{"ext": writer}`` file formats the exporter can write (e.g. ``vcf``).

    ``writer(entity, records, fileobj)`` writes ``records`` (an iterator of
    record dicts in Python form, already filtered to what the user may see,
    each with ``_display``: reference titles, user names, picklist labels)
    to the binary ``fileobj``.  Built in: ``xlsx`` and ``csv``.  A bare writer serves every entity;
    ``{"pdf.zip": ExportFormat(writer, entities=("quotes",), buttons={"selected": _l("Print selected")})}``
    (:class:`core.plugin_api.ExportFormat`) serves only the entities it names (the export API refuses
    the others with a 400) and adds buttons to their list pages.
    """


@hookspec
def crm_sms_providers():
    """Return ``{name: provider_class}`` SMS gateway adapters (the sms plugin asks when it sends).

    Subclass :class:`plugins.sms.providers.Provider`: declare ``capabilities``
    (kinds SMS/LMS/MMS, templates, delivery reports, lookup by key, batch size,
    rate limit), ``fields`` (settings; ``secret=True`` ones are sealed at rest),
    and implement ``send(batch) -> [Result]`` and optionally ``lookup(message)``.
    Raise ``ProviderDown`` when nothing was sent (retried with backoff) and
    ``Ambiguous`` when the request went out without an answer (never resent:
    looked up by the message's idempotency key, else logged ``unknown``).
    """


@hookspec(firstresult=True)
def crm_contract_added(opportunity_id, contract, user):
    """A contract (or order) was signed for an opportunity; the owner of opportunities decides what follows."""


@hookspec
def crm_demo_data(demo):
    """Fill a fresh instance with realistic Korean demo data (``plugcrm demo``).

    ``demo`` is a :class:`core.demo.DemoContext`: ``demo.users`` maps a role
    name to the demo users in it, ``demo.admin`` is the administrator, and
    ``demo.create(entity_name, values, user)`` writes through the records
    service.  Called in dependency order, so customers exist before deals.
    """


# --- lists, search and duplicates ----------------------------------------------

@hookspec
def crm_list_filters(entity):
    """Return ``{param: callable(raw: str) -> SQLAlchemy condition}``: extra list filters for ``entity``.

    For filters that are not a field comparison, e.g. ``GET /api/v1/accounts?not_contacted_days=30``
    or ``GET /api/v1/contacts?birthday_month=this``.  The callable raises
    :class:`core.entities.FieldValueError` for a bad value (the list call
    answers 400 naming the parameter).  Called for every entity: return
    ``{}`` when ``entity.name`` is not yours.  Asked once per entity and
    process, so the answer must not depend on the request or the user.
    """


@hookspec
def crm_search_expanders():
    """Return callables ``(text) -> str | None`` adding searchable forms of a value to the search text.

    The core already adds Korean initial consonants (ㅎㄷㅌㅅ) and phone
    digits; a plugin adds e.g. Chinese pinyin initials (海东通信 → hdtx).
    """


@hookspec
def crm_duplicate_candidates(entity, values, user):
    """Return existing records that a new record of ``entity`` probably duplicates.

    Each match is a dict with at least ``id``, ``name`` and ``number``.  When
    any plugin returns matches, creating the record answers 409
    ``duplicate_warning`` naming them, unless the request body carries
    ``"confirm_duplicate": true``.  Called for every entity: return ``[]``
    when ``entity.name`` is not yours.  A match ``user`` cannot see must be
    passed through :func:`core.entities.disclosure.conflict_match` (owner only,
    never its name or number: see that module's rule).
    """


# --- customers ------------------------------------------------------------------

@hookspec
def crm_account_summaries(account, user):
    """Return extra sections for the customer 360° view of ``account`` (a record dict).

    Each is ``dict(key=..., label=..., count=..., data=[...])`` built with
    :func:`core.entities.query.visible_select` (receipts, maintenance
    contracts ...); related lists declared through ``crm_related_lists`` are
    included without this hook.
    """


@hookspec
def crm_activity_reminder(activity, users):
    """An activity reminder is due: ``activity`` (a record dict) and ``users`` (owner and assignees).

    The customers plugin has already queued the email; an SMS plugin queues a
    text message here (enqueue a job, do not send inline).
    """
