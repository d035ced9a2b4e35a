"""A real HTTP server on loopback that records webhook calls (and can be told to fail)."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class WebhookReceiver:
    def __init__(self):
        self.calls: list[dict] = []
        self.refused: list[dict] = []  # the headers of the calls answered 503
        self.fail_next = 0
        self.redirect_to = None  # answer 307 to this address instead of accepting
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if receiver.redirect_to:
                    self.send_response(307)
                    self.send_header("Location", receiver.redirect_to)
                    self.end_headers()
                    return
                if receiver.fail_next:
                    receiver.fail_next -= 1
                    receiver.refused.append(dict(self.headers))
                    self.send_response(503)
                    self.end_headers()
                    return
                receiver.calls.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                       "json": json.loads(body)})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/crm"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
