"""Each adapter against a fake gateway on loopback that speaks its protocol and checks its credentials."""
from __future__ import annotations

import pytest

from plugins.sms.adapters import BUILT_IN, FileOutbox, solapi_authorization
from plugins.sms.providers import Ambiguous, Outgoing, ProviderConfigError, ProviderDown
from plugins.sms.testing import FakeGateway

PROTOCOLS = ["aligo", "solapi", "nhn"]


@pytest.fixture(params=PROTOCOLS)
def gateway(request):
    fake = FakeGateway(request.param).start()
    yield fake
    fake.stop()


def provider(fake, timeout=2.0, **override):
    return BUILT_IN[fake.protocol]({**fake.settings(), **override}, timeout=timeout)


def message(n=1, kind="SMS"):
    return Outgoing(key=f"k{n}", sender="0212345678", to=f"0101234000{n}", text=f"안녕하세요 {n}", kind=kind,
                    subject="알림" if kind == "LMS" else "")


def test_sends_and_the_gateway_gets_exactly_what_was_sent(gateway):
    results = provider(gateway).send([message(1), message(2, "LMS")])
    assert [r.status for r in results] == ["sent", "sent"]
    assert all(r.provider_id for r in results)
    assert [(m["to"], m["text"], m["kind"]) for m in gateway.messages] == [
        ("01012340001", "안녕하세요 1", "SMS"), ("01012340002", "안녕하세요 2", "LMS")]
    assert gateway.duplicates == [] and gateway.auth_failures == 0


@pytest.mark.parametrize("protocol, wrong", [("aligo", {"api_key": "wrong"}), ("solapi", {"api_secret": "wrong"}),
                                             ("nhn", {"secret_key": "wrong"})])
def test_wrong_credentials_are_refused_by_the_gateway(protocol, wrong):
    fake = FakeGateway(protocol).start()
    try:
        with pytest.raises(ProviderConfigError):
            provider(fake, **wrong).send([message()])
        assert fake.auth_failures == 1 and fake.messages == []
    finally:
        fake.stop()


def test_the_solapi_signature_is_hmac_sha256_of_date_and_salt():
    header = solapi_authorization("KEY", "secret", "2026-12-05T10:00:00Z", "abc")
    assert header == ("HMAC-SHA256 apiKey=KEY, date=2026-12-05T10:00:00Z, salt=abc, "
                      "signature=5b047c80fbcedfe318f87e925701846486234800596c6e66a893b566845c8c33")


def test_a_gateway_that_is_down_or_busy_means_nothing_was_sent(gateway):
    adapter = provider(gateway)
    gateway.mode = "busy"
    with pytest.raises(ProviderDown):
        adapter.send([message()])
    gateway.mode = "ok"
    gateway.stop()
    with pytest.raises(ProviderDown):
        adapter.send([message()])
    assert gateway.messages == []


def test_a_lost_answer_is_ambiguous(gateway):
    gateway.mode = "hang"
    with pytest.raises(Ambiguous):
        provider(gateway, timeout=0.3).send([message()])
    assert len(gateway.messages) == 1   # it did arrive


def test_nhn_finds_a_message_again_by_its_key():
    fake = FakeGateway("nhn").start()
    try:
        adapter = provider(fake)
        fake.mode = "hang"
        with pytest.raises(Ambiguous):
            BUILT_IN["nhn"](fake.settings(), timeout=0.3).send([message(1)])
        fake.release()
        fake.mode = "ok"
        found = adapter.lookup(message(1))
        assert found.status == "delivered" and found.provider_id == "nhn-1"
        assert adapter.lookup(message(2)) is None
    finally:
        fake.stop()


def test_the_file_outbox_writes_json_lines(tmp_path):
    outbox = FileOutbox({}, instance_path=tmp_path)
    assert [r.status for r in outbox.send([message(1), message(2)])] == ["sent", "sent"]
    assert (tmp_path / "sms_outbox.jsonl").read_text(encoding="utf-8").count("\n") == 2
    assert outbox.lookup(message(2)).status == "sent" and outbox.lookup(message(3)).status == "failed"


def test_each_adapter_declares_its_limits():
    for cls in BUILT_IN.values():
        caps = cls.capabilities
        assert caps.batch_size >= 1 and caps.rate_per_second > 0 and "SMS" in caps.kinds
        assert [f.name for f in cls.fields if f.secret] or cls.name == "file"
