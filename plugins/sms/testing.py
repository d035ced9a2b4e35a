"""Fake SMS gateways: real HTTP servers on loopback speaking Aligo's, Solapi's and NHN Cloud's protocols.

For tests and benchmarks (the gateways themselves are outside this machine).
A fake checks credentials the way its gateway does (Solapi's HMAC signature
included), records every message it accepted, and notes any idempotency key it
sees twice in :attr:`FakeGateway.duplicates`.  ``mode`` makes it misbehave:
``"busy"`` answers 503 without accepting; ``"hang"`` accepts the message and
then keeps the answer back until :meth:`FakeGateway.release` (or 10 s), so the
client times out after the request was sent.  :meth:`stop` takes it off the
network (connection refused) and :meth:`start` brings it back on the same port.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CREDENTIALS = {"aligo": {"user_id": "plugcrm", "api_key": "aligo-test-key"},
               "solapi": {"api_key": "NCSTESTKEY", "api_secret": "solapi-test-secret"},
               "nhn": {"app_key": "nhn-app", "secret_key": "nhn-test-secret"}}


class FakeGateway:
    def __init__(self, protocol: str):
        if protocol not in CREDENTIALS:
            raise ValueError(protocol)
        self.protocol = protocol
        self.credentials = dict(CREDENTIALS[protocol])
        self.messages: list[dict] = []
        self.keys: set = set()
        self.duplicates: list = []
        self.auth_failures = 0
        self.requests = 0
        self.mode = "ok"
        self.released = threading.Event()
        self.lock = threading.Lock()
        self.port = 0
        self.server: ThreadingHTTPServer | None = None

    # --- running ------------------------------------------------------------------
    def start(self) -> "FakeGateway":
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def do_GET(self):
                gateway.handle(self, "GET")

            def do_POST(self):
                gateway.handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.release()
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def release(self) -> None:
        self.released.set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self) -> dict:
        """Provider settings pointing at this fake."""
        return {**self.credentials, "base_url": self.url}

    def received(self, to: str | None = None) -> list[dict]:
        return [m for m in self.messages if to is None or m["to"] == to]

    # --- protocol -------------------------------------------------------------------
    def handle(self, req: BaseHTTPRequestHandler, method: str) -> None:
        with self.lock:
            self.requests += 1
        if self.mode == "busy":
            return reply(req, 503, {"error": "busy"})
        body = req.rfile.read(int(req.headers.get("Content-Length") or 0))
        status, answer = getattr(self, f"{self.protocol}_{method.lower()}")(req, body)
        if self.mode == "hang" and method == "POST":
            self.released.wait(10)
            return
        reply(req, status, answer)

    def accept(self, key, to: str, text: str, kind: str, sender: str) -> None:
        with self.lock:
            if key in self.keys:
                self.duplicates.append(key)
            self.keys.add(key)
            self.messages.append({"key": key, "to": to, "text": text, "kind": kind, "from": sender,
                                  "id": f"{self.protocol}-{len(self.messages) + 1}"})

    def aligo_post(self, req, body):
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode("utf-8")).items()}
        if req.path != "/send/":
            return 404, {"result_code": -99, "message": "not found"}
        if form.get("key") != self.credentials["api_key"] or form.get("user_id") != self.credentials["user_id"]:
            self.auth_failures += 1
            return 200, {"result_code": -101, "message": "인증오류입니다."}
        missing = [f for f in ("sender", "receiver", "msg") if not form.get(f)]
        if missing or form.get("msg_type", "SMS") not in ("SMS", "LMS", "MMS"):
            return 200, {"result_code": -105, "message": f"missing {missing}"}
        # Aligo has no client reference: the recipient and text stand in for the key
        self.accept((form["receiver"], form["msg"]), form["receiver"], form["msg"], form.get("msg_type", "SMS"),
                    form["sender"])
        return 200, {"result_code": "1", "message": "success", "msg_id": str(len(self.messages)),
                     "success_cnt": 1, "error_cnt": 0, "msg_type": form.get("msg_type", "SMS")}

    def solapi_post(self, req, body):
        if not self.solapi_signed(req.headers.get("Authorization", "")):
            self.auth_failures += 1
            return 401, {"errorCode": "SignatureDoesNotMatch", "errorMessage": "bad signature"}
        messages = json.loads(body)["messages"]
        listed = []
        for m in messages:
            key = (m.get("customFields") or {}).get("idempotencyKey")
            self.accept(key, m["to"], m["text"], m.get("type", "SMS"), m["from"])
            listed.append({"messageId": self.messages[-1]["id"], "to": m["to"], "statusCode": "2000",
                           "customFields": m.get("customFields")})
        return 200, {"groupInfo": {"groupId": f"G{self.requests}"}, "messageList": listed, "failedMessageList": []}

    def solapi_signed(self, header: str) -> bool:
        fields = dict(re.findall(r"(\w+)=([^,\s]+)", header))
        if not header.startswith("HMAC-SHA256 ") or fields.get("apiKey") != self.credentials["api_key"]:
            return False
        try:
            date = dt.datetime.fromisoformat(fields["date"].replace("Z", "+00:00"))
        except (KeyError, ValueError):
            return False
        expected = hmac.new(self.credentials["api_secret"].encode(), (fields["date"] + fields.get("salt", "")).encode(),
                            hashlib.sha256).hexdigest()
        return date.tzinfo is not None and hmac.compare_digest(expected, fields.get("signature", ""))

    def nhn_authorised(self, req) -> bool:
        ok = req.path.startswith(f"/sms/v3.0/appKeys/{self.credentials['app_key']}/") and \
            req.headers.get("X-Secret-Key") == self.credentials["secret_key"]
        if not ok:
            self.auth_failures += 1
        return ok

    def nhn_post(self, req, body):
        if not self.nhn_authorised(req):
            return 200, {"header": {"isSuccessful": False, "resultCode": -1000, "resultMessage": "Invalid appKey"}}
        data = json.loads(body)
        recipient = data["recipientList"][0]
        kind = "SMS" if req.path.endswith("/sender/sms") else "LMS"
        self.accept(data.get("senderGroupingKey"), recipient["recipientNo"], data["body"], kind, data["sendNo"])
        return 200, {"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
                     "body": {"data": {"requestId": self.messages[-1]["id"], "statusCode": "2", "sendResultList": [
                         {"recipientNo": recipient["recipientNo"], "resultCode": 0, "resultMessage": "SUCCESS",
                          "recipientSeq": 1, "recipientGroupingKey": recipient.get("recipientGroupingKey")}]}}}

    def nhn_get(self, req, _body):
        if not self.nhn_authorised(req):
            return 200, {"header": {"isSuccessful": False, "resultCode": -1000, "resultMessage": "Invalid appKey"}}
        query = {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(req.path).query).items()}
        rows = [{"requestId": m["id"], "recipientNo": m["to"], "msgStatus": "3", "msgStatusName": "성공",
                 "senderGroupingKey": m["key"]} for m in self.messages if m["key"] == query.get("senderGroupingKey")]
        return 200, {"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
                     "body": {"pageNum": 1, "pageSize": 15, "totalCount": len(rows), "data": rows}}


def reply(req: BaseHTTPRequestHandler, status: int, answer: dict) -> None:
    data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
    req.send_response(status)
    req.send_header("Content-Type", "application/json;charset=UTF-8")
    req.send_header("Content-Length", str(len(data)))
    req.end_headers()
    req.wfile.write(data)
