"""The core's layers stay layered (docs/architecture.md).

* ``lint-imports`` keeps the contracts in ``pyproject.toml``: each layer imports only from itself and
  the layers below; the core imports no plugin.
* every module of the core is placed in a layer (a new module must be given one);
* the core's import graph has no cycle, counting the imports inside functions too (grimp sees them);
* every module of the core can be imported first, in an interpreter where no other core module has
  been imported yet (a cycle hidden by import order shows up here as an ImportError).
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
# Importing these runs something (the WSGI app from the environment, Alembic's migration environment).
RUN_ON_IMPORT = {"core.wsgi", "core.migrations.env"}
# Packages whose __init__ only gathers their modules: they belong to no single layer.
GATHERING_PACKAGES = {"core", "core.entities"}


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("core", cache_dir=None)


def layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "core-layers")
    return [[name.strip() for name in layer.replace("|", ":").split(":")] for layer in contract["layers"]]


def cycles(graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_import_contracts_are_kept():
    result = subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command; "
                             "lint_imports_command()", "--no-cache"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_core_module_has_a_layer(graph):
    placed = [name for layer in layers() for name in layer]
    unplaced = sorted(m for m in graph.modules if m not in GATHERING_PACKAGES
                      and not any(m == p or m.startswith(p + ".") for p in placed))
    assert unplaced == [], "give these modules a layer in pyproject.toml [tool.importlinter]: " + ", ".join(unplaced)


def test_the_core_has_no_import_cycle(graph):
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for module in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(module)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert cycles(graph) == [["pkg.a", "pkg.b"]]


FORK_EACH = textwrap.dedent("""
    import importlib, json, os, sys, traceback
    modules = json.loads(sys.argv[1])

    def own(name):
        return name in ("core", "plugins", "hooks") or name.startswith(("core.", "plugins."))

    # Import the third-party libraries the core uses first (found in a throwaway child), so that each
    # child below spends its time on the core alone: the core is imported fresh in every child.
    read, write = os.pipe()
    if os.fork() == 0:
        os.close(read)
        for module in modules:
            try:
                importlib.import_module(module)
            except BaseException:
                pass
        os.write(write, json.dumps([m for m in sys.modules if not own(m)]).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        libraries = json.loads(pipe.read() or b"[]")
    os.wait()
    for name in libraries:
        try:
            importlib.import_module(name)
        except BaseException:
            pass
    assert not [m for m in sys.modules if own(m)]

    failed = {}
    for module in modules:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            try:
                importlib.import_module(module)
                code = 0
            except BaseException:
                os.write(write, traceback.format_exc().encode()[-4000:])
                code = 1
            os._exit(code)
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            report = pipe.read().decode(errors="replace")
        _, status = os.waitpid(pid, 0)
        if status != 0:
            failed[module] = report or f"exit status {status}"
    print(json.dumps(failed))
""")


def test_every_core_module_imports_first_in_a_fresh_interpreter(graph):
    """One child per module, forked after only third-party libraries were imported; at most 10 minutes in all."""
    modules = sorted(m for m in graph.modules if m not in RUN_ON_IMPORT)
    result = subprocess.run([sys.executable, "-c", FORK_EACH, json.dumps(modules)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    failed = json.loads(result.stdout.strip().splitlines()[-1])
    assert failed == {}, "\n\n".join(f"{name}:\n{report}" for name, report in failed.items())
