"""Bad ring callbacks are refused, logged and leave nothing behind; a burst is cut off by the rate limit."""
from __future__ import annotations

import logging

import pytest

from plugins.cti_lg.callback import PER_IP_PER_MINUTE
from plugins.cti_lg.fake_centrex import NUMBER
from plugins.cti_lg.models import Call, Event
from plugins.cti_lg.tests.conftest import count

GOOD = "sender=0212345678&receiver=07012345678&kind=1&inner_num=101"


def path(line) -> str:
    return "/cti_lg/ring/" + line["callback"].rsplit("/", 1)[1]


@pytest.mark.parametrize("url, status", [
    ("/cti_lg/ring/" + "x" * 64 + "?" + GOOD, 404),                     # wrong secret
    ("/cti_lg/ring/short?" + GOOD, 404),                                # not even a secret's shape
    ("/cti_lg/ring/?" + GOOD, 404),                                     # no secret at all
    ("/cti_lg/rings/SECRET?" + GOOD, 404),                              # another path
])
def test_wrong_paths_are_refused(team, line, url, status, caplog):
    client = team["app"].test_client()
    with caplog.at_level(logging.WARNING, logger="plugcrm.cti_lg"):
        response = client.get(url.replace("SECRET", path(line).rsplit("/", 1)[1]))
    assert response.status_code == status
    assert count(team["app"], Call) == 0 and count(team["app"], Event) == 0
    secret = path(line).rsplit("/", 1)[1]
    assert secret not in caplog.text


@pytest.mark.parametrize("query", [
    "", "receiver=07012345678&kind=1&inner_num=101", "sender=0212345678&kind=1",
    "sender=0212345678&kind=&inner_num=101", "sender=abc&kind=1&inner_num=101",
    "sender=02'%3B+DROP+TABLE+x&kind=1&inner_num=101", "sender=0212345678&kind=1&inner_num=10a",
    "sender=" + "1" * 40 + "&kind=1&inner_num=101", "sender=%00%01&kind=1&inner_num=101",
    "sender=0212345678&receiver=<script>&kind=1&inner_num=101", "sender=0212345678&kind=ring&inner_num=101",
])
def test_missing_or_garbage_parameters_are_refused_without_side_effects(team, line, query, caplog):
    with caplog.at_level(logging.WARNING, logger="plugcrm.cti_lg"):
        response = team["app"].test_client().get(path(line) + "?" + query)
    assert response.status_code in (400, 422), response.status_code  # NUL bytes: 422 from core.request_guard
    assert count(team["app"], Call) == 0 and count(team["app"], Event) == 0


def test_other_kinds_are_answered_but_not_recorded(team, line):
    response = team["app"].test_client().get(path(line) + "?sender=0212345678&kind=3&inner_num=101")
    assert response.status_code == 200
    assert count(team["app"], Call) == 0


def test_a_burst_of_1000_bad_requests_changes_nothing(team, line):
    client = team["app"].test_client()
    statuses = {client.get("/cti_lg/ring/" + f"{i:064d}" + "?" + GOOD).status_code for i in range(1000)}
    assert statuses == {404, 429}
    assert count(team["app"], Call) == 0 and count(team["app"], Event) == 0
    # the address is now limited even with the right secret
    assert client.get(path(line) + "?" + GOOD).status_code == 429


def test_a_burst_of_1000_rings_is_cut_at_the_rate_limit(team, line):
    client = team["app"].test_client()
    statuses = [client.get(path(line) + "?" + GOOD).status_code for _ in range(1000)]
    assert statuses[:PER_IP_PER_MINUTE] == [200] * PER_IP_PER_MINUTE and statuses[PER_IP_PER_MINUTE] == 429
    # the window is a real minute: on a slow machine the burst outlasts it and a few more get in
    accepted = statuses.count(200)
    assert set(statuses) == {200, 429} and accepted < 1000 - 500
    assert count(team["app"], Call) == accepted  # the refused ones wrote nothing


def test_a_switched_off_line_takes_no_rings(team, fake, line):
    admin = team["admin"]
    assert admin.put(f"/api/v1/cti_lg/lines/{line['id']}",
                     json={"number": NUMBER, "base_url": fake.url, "active": False}).status_code == 200
    assert team["app"].test_client().get(path(line) + "?" + GOOD).status_code == 404
    assert count(team["app"], Call) == 0
