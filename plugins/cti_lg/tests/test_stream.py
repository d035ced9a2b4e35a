"""The popup stream (Server-Sent Events) over real HTTP: the agent's browser gets the ring, nobody else's does."""
from __future__ import annotations

import json
import threading
import urllib.request

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Stream(threading.Thread):
    """Reads ``/cti_lg/stream`` as one user until the server ends it (or the first ring, with ``first_only``)."""

    def __init__(self, url: str, token: str, first_only: bool = True, last_event_id: str | None = None):
        super().__init__(daemon=True)
        headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        self.request = urllib.request.Request(url + "/cti_lg/stream", headers=headers)
        self.first_only = first_only
        self.events: list[dict] = []
        self.lines: list[str] = []
        self.status = None
        self.opened = threading.Event()

    def run(self):
        with NO_PROXY.open(self.request, timeout=30) as response:
            self.status = response.status
            event, data = None, []
            for raw in response:
                line = raw.decode("utf-8").rstrip("\n")
                self.lines.append(line)
                if line.startswith("retry:"):
                    self.opened.set()
                elif line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    data.append(line.split(":", 1)[1].strip())
                elif line == "" and event:
                    self.events.append({"event": event, **json.loads("\n".join(data))})
                    event, data = None, []
                    if self.first_only:
                        return
        self.opened.set()


def token(team, who):
    return team[who].token


def test_the_ring_reaches_the_agents_stream_and_not_a_colleagues(team, fake, line, served):
    team["app"].config["CTI_LG_STREAM_SECONDS"] = 4
    team["rep"].post("/api/v1/accounts", json={"name": "(주)해동통신", "phone": "02-808-8016"})
    mine, theirs = Stream(served.url, token(team, "rep")), Stream(served.url, token(team, "peer"), first_only=False)
    mine.start(), theirs.start()
    assert mine.opened.wait(10) and theirs.opened.wait(10)
    assert fake.ring("028088016", "101") == 200
    mine.join(15)
    theirs.join(15)
    assert not mine.is_alive() and not theirs.is_alive()
    assert [e["caller"] for e in mine.events] == ["028088016"]
    assert mine.events[0]["matches"][0]["name"] == "(주)해동통신"
    assert theirs.events == [] and theirs.lines[0] == "retry: 1000"


def test_a_reconnecting_browser_gets_what_it_missed(team, fake, line, served):
    team["app"].config["CTI_LG_STREAM_SECONDS"] = 4
    first = Stream(served.url, token(team, "rep"))
    first.start()
    assert first.opened.wait(10)
    fake.ring("0212345678", "101")
    first.join(15)
    missed = [fake.ring("0311112222", "101"), fake.ring("0313334444", "101")]  # while disconnected
    assert missed == [200, 200]
    again = Stream(served.url, token(team, "rep"), first_only=False, last_event_id=str(first.events[0]["event_id"]))
    again.start()
    again.join(15)
    assert [e["caller"] for e in again.events] == ["0311112222", "0313334444"]


def test_users_without_an_extension_get_no_stream(team, line, served):
    stream = Stream(served.url, token(team, "manager"))
    stream.start()
    stream.join(10)
    assert stream.status == 204 and stream.events == []


def test_anonymous_visitors_get_no_stream(team, line, served):
    response = NO_PROXY.open(urllib.request.Request(served.url + "/cti_lg/stream"), timeout=10)
    assert "/login" in response.url and b"event:" not in response.read()
