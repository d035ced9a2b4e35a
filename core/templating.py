"""The one Jinja sandbox for administrators' templates (visit logs, workflow e-mails), with limits.

Jinja's :class:`~jinja2.sandbox.SandboxedEnvironment` keeps a template away from Python's internals
but not from the machine's memory and time: ``range(10**7)|list`` or ``"x" * 10**9`` would run.
This sandbox refuses ranges past :data:`MAX_RANGE`, ``*`` and ``**`` results past
:data:`MAX_VALUE_LENGTH` and output past :data:`MAX_OUTPUT`, each with a
:class:`~jinja2.sandbox.SecurityError` (a ``TemplateError``, which the callers already turn into a
422 on the template field).
"""
from __future__ import annotations

from flask_babel import gettext as _
from jinja2.sandbox import SandboxedEnvironment, SecurityError

MAX_RANGE = 10_000
MAX_VALUE_LENGTH = 100_000
MAX_OUTPUT = 1_000_000


def limited_range(*args):
    values = range(*args)
    if len(values) > MAX_RANGE:
        raise SecurityError(_("A template range may have at most %(n)s numbers.", n=MAX_RANGE))
    return values


class LimitedSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**"])

    def __init__(self, **options):
        super().__init__(**options)
        self.globals["range"] = limited_range

    def call_binop(self, context, operator, left, right):
        if operator == "**":
            if isinstance(right, int) and abs(right) > 64:
                raise SecurityError(_("A template value is too large."))
            return left ** right
        for sequence, times in ((left, right), (right, left)):
            if isinstance(sequence, (str, list, tuple)) and isinstance(times, int) \
                    and len(sequence) * times > MAX_VALUE_LENGTH:
                raise SecurityError(_("A template value is too large."))
        return left * right


def render_limited(template, **context) -> str:
    """``template.render(**context)``, stopped once the output passes :data:`MAX_OUTPUT` characters."""
    parts, size = [], 0
    for chunk in template.generate(**context):
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise SecurityError(_("The template writes more than %(n)s characters.", n=MAX_OUTPUT))
        parts.append(chunk)
    return "".join(parts)
