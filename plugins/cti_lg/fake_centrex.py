"""A fake LG U+ Centrex: a real HTTP server on loopback speaking the REST API, able to ring.

For tests, the benchmark and the demo (the real Centrex is outside this
machine).  It checks ``id`` / ``pass`` (SHA-512 hex) as Centrex does, answers
``SVC_RT`` codes (``fail_with`` makes every call answer one, e.g. ``"2002"``),
pages ``getinboundcall``, remembers the ring callback set with
``setringcallback`` and :meth:`FakeCentrex.ring` fires it: a plain HTTP GET to
the registered host, port and path with ``sender``, ``receiver``, ``kind=1``
and ``inner_num``, exactly as Centrex does (``fire=False`` records a call
whose callback was "lost", for reconciliation).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KST = dt.timezone(dt.timedelta(hours=9))
NUMBER, PASSWORD = "07012345678", "centrex-test-password"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class FakeCentrex:
    def __init__(self, number: str = NUMBER, password: str = PASSWORD, host: str = "127.0.0.1", port: int = 0):
        self.number = number
        self.password_hash = hashlib.sha512(password.encode()).hexdigest()
        self.host, self.port = host, port
        self.inbound: list[dict] = []
        self.history: list[dict] = []
        self.dials: list[str] = []
        self.sms: list[dict] = []
        self.callback: dict | None = None
        self.fail_with: str | None = None
        self.requests: list[str] = []
        self.lock = threading.Lock()
        self.next_no = 1000
        self.server: ThreadingHTTPServer | None = None

    # --- running ------------------------------------------------------------------
    def start(self) -> "FakeCentrex":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def do_POST(self):
                fake.handle(self)

        self.server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True, name="fake-centrex").start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/RestApi"

    # --- the protocol -------------------------------------------------------------
    def handle(self, http: BaseHTTPRequestHandler) -> None:
        operation = http.path.rstrip("/").rsplit("/", 1)[-1]
        length = int(http.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in urllib.parse.parse_qs(http.rfile.read(length).decode("utf-8")).items()}
        if http.path == "/fake/ring":  # the demo's "Ring me" (not part of Centrex's API); answers once rung
            self.ring(form.get("sender", "0212345678"), form.get("inner_num", "101"))
            http.send_response(204)
            http.end_headers()
            return
        with self.lock:
            self.requests.append(operation)
            answer = self.answer(operation, form)
        body = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        http.send_response(200)
        http.send_header("Content-Type", "application/json; charset=utf-8")
        http.send_header("Content-Length", str(len(body)))
        http.end_headers()
        http.wfile.write(body)

    def answer(self, operation: str, form: dict) -> dict:
        if not http_path_ok(operation):
            return {"SVC_RT": "1001"}
        if form.get("id") != self.number or form.get("pass") != self.password_hash:
            return {"SVC_RT": "1003"}
        if self.fail_with:
            return {"SVC_RT": self.fail_with}
        handler = getattr(self, f"op_{operation}", None)
        return handler(form) if handler else {"SVC_RT": "1001"}

    def op_userinfo(self, _form):
        return ok({"id": self.number, "name": "plugcrm test"})

    def op_clickdial(self, form):
        dest = form.get("destnumber", "")
        if not dest.isdigit():
            return {"SVC_RT": "4001"}
        self.dials.append(dest)
        self.history.append({"NO": str(self.take_no()), "TIME": kst_now(), "SRC": self.number, "DST": dest,
                             "DURATION": "0", "STATUS": "ANSWER", "TYPE": "OUT"})
        return ok({"result": "dialing"})

    def op_callhistory(self, form):
        rows = [r for r in self.history if form.get("calltype", "") in ("", "0", r["TYPE"].lower(), r["TYPE"])]
        return self.paged(rows, form, 20)

    def op_getinboundcall(self, form):
        return self.paged(self.inbound, form, 20)

    def paged(self, rows: list, form: dict, default_size: int) -> dict:
        try:
            page, size = int(form.get("page", 1)), int(form.get("num_per_page", default_size))
        except ValueError:
            return {"SVC_RT": "4001"}
        if page < 1 or not 1 <= size <= 100:
            return {"SVC_RT": "4001"}
        newest_first = list(reversed(rows))
        chunk = newest_first[(page - 1) * size: page * size]
        if not chunk:
            return {"SVC_RT": "4004"}
        return ok(chunk)

    def op_setringcallback(self, form):
        host, port, path = form.get("callbackhost", ""), form.get("callbackport", ""), form.get("callbackurl", "")
        parts = host.split(".")
        if len(parts) != 4 or not all(p.isdigit() and int(p) < 256 for p in parts) or not port.isdigit():
            return {"SVC_RT": "4001"}
        self.callback = {"callbackhost": host, "callbackport": port, "callbackurl": path}
        return ok(dict(self.callback))

    def op_getringcallback(self, _form):
        return ok(dict(self.callback)) if self.callback else {"SVC_RT": "4004"}

    def op_delringcallback(self, _form):
        self.callback = None
        return ok({})

    def op_smssend(self, form):
        self.sms.append(form)
        return ok({})

    # --- ringing ------------------------------------------------------------------
    def take_no(self) -> int:
        self.next_no += 1
        return self.next_no

    def ring(self, sender: str, inner_num: str = "101", *, fire: bool = True, receiver: str | None = None) -> int | None:
        """A call from ``sender`` to extension ``inner_num``; returns the callback's HTTP status (None: not fired)."""
        with self.lock:
            self.inbound.append({"NO": str(self.take_no()), "TIME": kst_now(), "SRC": sender,
                                 "DST": receiver or self.number, "DURATION": "0", "STATUS": "RING",
                                 "INNER_NUM": inner_num})
            target = dict(self.callback) if self.callback else None
        if not fire or target is None:
            return None
        query = urllib.parse.urlencode({"sender": sender, "receiver": receiver or self.number, "kind": "1",
                                        "inner_num": inner_num})
        path = target["callbackurl"] if target["callbackurl"].startswith("/") else "/" + target["callbackurl"]
        url = f"http://{target['callbackhost']}:{target['callbackport']}{path}?{query}"
        try:
            with NO_PROXY.open(url, timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as exc:
            return exc.code


def http_path_ok(operation: str) -> bool:
    return operation.isalpha()


def ok(datas) -> dict:
    return {"SVC_RT": "0000", "DATAS": datas}


def kst_now() -> str:
    return dt.datetime.now(KST).strftime("%Y-%m-%d %H:%M:%S")
