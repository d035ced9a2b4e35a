"""A query string sent as raw UTF-8 (``?q=서버`` unencoded, as some clients send it) finds what its
percent-encoded form finds, through the real development server and as gunicorn passes it."""
from __future__ import annotations

import json
import socket
import threading

import pytest
from werkzeug.serving import make_server

from core.testing import ApiClient, make_user


@pytest.fixture
def served(crm_app_factory):
    app = crm_app_factory(plugins=["customers"])
    token = make_user(app, "admin@example.com", admin=True)[1]
    api = ApiClient(app.test_client(), token)
    for name in ("서버실 주식회사", "네트워크 상사"):
        assert api.post("/api/v1/accounts", json={"name": name}).status_code == 201
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, api, server.server_port, token
    server.shutdown()
    thread.join()


def raw_get(port: int, target: bytes, token: str) -> tuple[int, dict]:
    """GET with the request target's bytes exactly as given (no client-side encoding)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                     + token.encode() + b"\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    return int(head.split()[1]), json.loads(body)


def names(payload: dict) -> list[str]:
    return [a["name"] for a in payload["data"]]


def test_raw_utf8_query_matches_like_the_encoded_one(served):
    _app, _api, port, token = served
    encoded = raw_get(port, b"/api/v1/accounts?q=%EC%84%9C%EB%B2%84", token)
    raw = raw_get(port, "/api/v1/accounts?q=서버".encode(), token)
    assert encoded == raw and raw[0] == 200 and names(raw[1]) == ["서버실 주식회사"]


def test_query_string_bytes_that_are_not_utf8_are_no_server_error(served):
    _app, _api, port, token = served
    status, payload = raw_get(port, "/api/v1/accounts?q=서버".encode("euc-kr"), token)
    assert status == 200 and payload["data"] == []


def test_raw_utf8_as_gunicorn_passes_it(served):
    _app, api, _port, _token = served
    response = api.get("/api/v1/accounts", environ_overrides={"QUERY_STRING": "q=서버".encode().decode("latin-1")})
    assert response.status_code == 200 and names(response.json) == ["서버실 주식회사"]
