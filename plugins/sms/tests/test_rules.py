"""The advertising law's text and clock rules (the server-side checks are in test_send.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from plugins.sms.rules import KST, NightBlocked, ad_send_time, ad_text, is_night, next_morning


def kst(hour, minute, day=7):
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=KST)


def test_an_ad_gets_the_prefix_sender_contact_and_optout_line():
    text = ad_text("연말 특가 안내", "해동통신", "02-123-4567", "080-500-0000")
    assert text == "(광고)해동통신 02-123-4567\n연말 특가 안내\n무료수신거부 080-500-0000"
    assert ad_text(text, "해동통신", "02-123-4567", "080-500-0000") == text


@pytest.mark.parametrize("hour, minute, night", [(20, 59, False), (21, 0, True), (7, 59, True), (8, 0, False),
                                                 (0, 0, True), (12, 0, False)])
def test_the_night_window_is_21_to_8_korean_time(hour, minute, night):
    assert is_night(kst(hour, minute)) is night
    assert is_night(kst(hour, minute).astimezone(dt.timezone.utc)) is night


def test_refuse_at_night_names_the_next_morning():
    with pytest.raises(NightBlocked) as err:
        ad_send_time(kst(21, 0), "refuse")
    assert err.value.allowed_at == kst(8, 0, day=8)
    with pytest.raises(NightBlocked) as err:
        ad_send_time(kst(7, 59), "refuse")
    assert err.value.allowed_at == kst(8, 0)


def test_reschedule_moves_to_8_and_daytime_is_unchanged():
    assert ad_send_time(kst(21, 0), "reschedule") == kst(8, 0, day=8)
    assert ad_send_time(kst(7, 59), "reschedule") == kst(8, 0)
    assert ad_send_time(kst(20, 59), "refuse") == kst(20, 59)
    assert ad_send_time(kst(8, 0), "refuse") == kst(8, 0)
    assert next_morning(kst(8, 0)) == kst(8, 0)
