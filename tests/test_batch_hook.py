"""BatchHook (an import's per-record hooks) answers exactly as pluggy's own hook call does."""
from __future__ import annotations

import pluggy
import pytest

from core.plugins import BatchHook

spec = pluggy.HookspecMarker("batchtest")
impl = pluggy.HookimplMarker("batchtest")


class Spec:
    @spec
    def on_record(self, record, user):
        """Per record."""

    @spec(firstresult=True)
    def first(self, record):
        """First result only."""


def manager(*plugins) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("batchtest")
    pm.add_hookspecs(Spec)
    for plugin in plugins:
        pm.register(plugin)
    return pm


class Adds:
    @impl
    def on_record(self, record):
        record.append("adds")
        return "adds"


class Counts:
    @impl(tryfirst=True)
    def on_record(self, record, user):
        record.append(f"counts {user}")

    @impl
    def first(self, record):
        return "counts"


class Names:
    @impl
    def first(self, record):
        return "names"


class Wraps:
    @impl(wrapper=True)
    def on_record(self, record, user):
        record.append("before")
        result = yield
        record.append("after")
        return result


def both(pm, name, **kwargs):
    """What pluggy answers and what BatchHook answers (each with a record of the calls made)."""
    plain, batched = [], []
    expected = getattr(pm.hook, name)(**dict(kwargs, record=plain))
    got = BatchHook(pm, name)(**dict(kwargs, record=batched))
    return (expected, plain), (got, batched)


@pytest.mark.parametrize("plugins", [(), (Adds(),), (Adds(), Counts()), (Counts(), Adds())])
def test_plain_implementations_are_called_directly_in_pluggys_order(plugins):
    pm = manager(*plugins)
    assert BatchHook(pm, "on_record").direct is not None
    expected, got = both(pm, "on_record", user=7)
    assert got == expected


def test_wrappers_and_first_result_hooks_go_through_pluggy():
    pm = manager(Adds(), Wraps(), Counts(), Names())
    assert BatchHook(pm, "on_record").direct is None
    assert BatchHook(pm, "first").direct is None
    expected, got = both(pm, "on_record", user=1)
    assert got == expected and "after" in got[1]
    assert BatchHook(pm, "first")(record=[]) == pm.hook.first(record=[])


def test_monitoring_installed_after_it_was_made_is_respected():
    pm = manager(Adds())
    hook = BatchHook(pm, "on_record")
    seen = []
    undo = pm.add_hookcall_monitoring(lambda name, impls, kwargs: seen.append(name), lambda *args: None)
    try:
        assert hook(record=[], user=1) == ["adds"]
    finally:
        undo()
    assert seen == ["on_record"]


def test_errors_propagate_and_missing_arguments_go_through_pluggy():
    class Fails:
        @impl
        def on_record(self, record):
            raise LookupError("refused")

    pm = manager(Fails())
    with pytest.raises(LookupError):
        BatchHook(pm, "on_record")(record=[], user=1)
    with pytest.warns(UserWarning), pytest.raises(pluggy.HookCallError):
        BatchHook(pm, "on_record")(user=1)  # pluggy's own warning and error, as a direct hook call gives
