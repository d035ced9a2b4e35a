"""``plugcrm cti-lg fake-centrex|reconcile``: a Centrex to try the popups with, and reconciliation on demand."""
from __future__ import annotations

import threading
import urllib.parse

import click

from core.cli_support import fail, make_app
from core.db import session
from core.jobs import JobContext


@click.group("cti-lg")
def group():
    """LG U+ Centrex: the fake server for demos, reconciliation."""


@group.command("fake-centrex")
@click.option("--port", default=0, type=int, help="Port of the fake Centrex (default: any free port).")
@click.option("--app-url", default="http://127.0.0.1:5000", show_default=True,
              help="Where this plugcrm answers (the ring callback goes there).")
@click.option("--user", "email", default=None, help="The user whose browser gets the popups (default: the first "
                                                     "administrator); mapped to extension 101.")
def fake_centrex(port, app_url, email):
    """Run a fake Centrex on loopback, set up a line for it and register the ring callback.

    Leave it running beside ``plugcrm serve``; "Ring me" on the CTI settings page makes it ring.
    """
    from plugins.cti_lg import demo
    from plugins.cti_lg.fake_centrex import FakeCentrex

    parts = urllib.parse.urlsplit(app_url)
    if not parts.hostname or not parts.port and parts.scheme != "http":
        fail("--app-url must look like http://127.0.0.1:5000")
    fake = FakeCentrex(port=port).start()
    with make_app().app_context():
        try:
            line = demo.connect_fake(fake, parts.hostname, parts.port or 80, email)
        except Exception as exc:  # shown to the person at the terminal, then the fake stops
            fake.stop()
            fail(str(exc))
    click.echo(f"Fake Centrex on {fake.url} (line {line['number']}, extension 101 → {line['user']}).")
    click.echo("Open CTI settings and press \"Ring me\", or stop with Ctrl+C.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


@group.command("reconcile")
def reconcile_now():
    """Ask Centrex for the calls of every active line now and record the ones missing."""
    from plugins.cti_lg import reconcile
    from plugins.cti_lg.centrex import describe_stored

    with make_app().app_context():
        ctx = JobContext(0, 1, lambda *_a: None)
        request = reconcile.prepare({}, ctx)
        session().commit()
        results = reconcile.send(request, ctx)
        reconcile.record(results, ctx)
        session().commit()
        for result in results:
            click.echo(f"line {result['line_id']}: {len(result['inbound'])} inbound, {len(result['history'])} in "
                       f"the call history{'; ' + describe_stored(result['error']) if result['error'] else ''}")
