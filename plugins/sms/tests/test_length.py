"""The carriers' length rules, as properties over generated text (hypothesis)."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, strategies as st

from plugins.sms import length
from plugins.sms.length import LMS, MMS, SMS, TooLong, Unencodable, measure

HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
ASCII = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
GSM_BASIC = st.sampled_from("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà")
GSM_EXTENSION = st.sampled_from("^{}\\[~]|€")
HANZI_IN_CP949 = st.sampled_from("中好送短信漢字金")
EMOJI = st.characters(min_codepoint=0x1F600, max_codepoint=0x1F64F)


def kr_bytes(text):
    return sum(2 if "\uac00" <= c <= "\ud7a3" else 1 for c in text)


@given(st.text(st.one_of(HANGUL, ASCII), max_size=1000))
def test_korean_bytes_are_two_per_hangul_one_per_ascii(text):
    plan = measure(text)
    assert plan.units == kr_bytes(text)
    if kr_bytes(text) <= length.KR_SMS_BYTES:
        assert plan.kind == SMS and plan.limit == 90
    else:
        assert plan.kind == LMS and plan.limit == 2000
    assert plan.segments == 1
    assert "".join(plan.parts) == text
    assert all(len(p.encode("cp949")) <= 90 for p in plan.parts)


@given(st.integers(min_value=0, max_value=45), st.booleans())
def test_the_90_byte_boundary(hangul, extra_ascii):
    text = "가" * hangul + "a" * (90 - 2 * hangul) + ("a" if extra_ascii else "")
    plan = measure(text)
    assert plan.units == 90 + extra_ascii
    assert plan.kind == (LMS if extra_ascii else SMS)


@given(st.integers(min_value=0, max_value=1000), st.booleans())
def test_the_2000_byte_boundary(hangul, extra):
    text = "한" * hangul + "b" * (2000 - 2 * hangul)
    if extra:
        with pytest.raises(TooLong) as err:
            measure(text + "글")
        assert (err.value.used, err.value.limit) == (2002, 2000)
    else:
        assert measure(text).kind == LMS


def test_subject_makes_an_lms_and_holds_40_bytes():
    assert measure("안녕", subject="가" * 20).kind == LMS
    with pytest.raises(TooLong) as err:
        measure("안녕", subject="가" * 20 + "a")
    assert err.value.field == "subject" and err.value.used == 41


def test_an_image_makes_an_mms():
    assert measure("사진", image=True).kind == MMS


@given(st.text(st.one_of(HANGUL, ASCII), max_size=20), EMOJI, st.text(st.one_of(HANGUL, ASCII), max_size=20))
def test_emoji_are_refused_and_named(before, emoji, after):
    with pytest.raises(Unencodable) as err:
        measure(before + emoji + after + emoji)
    assert err.value.chars == [emoji]


def test_hanzi_outside_cp949_are_named_and_those_inside_count_two():
    assert measure("中文好").units == 6
    with pytest.raises(Unencodable) as err:
        measure("发送短信给你")
    assert err.value.chars == ["发", "给", "你"]


@given(st.text(GSM_BASIC, max_size=400), st.text(GSM_EXTENSION, max_size=40))
def test_gsm7_counts_extension_characters_twice(basic, extension):
    text = basic + extension
    plan = measure(text, "intl")
    assert plan.encoding == "gsm7"
    assert plan.units == len(basic) + 2 * len(extension)
    if plan.units <= 160:
        assert plan.segments == 1
    else:
        assert plan.segments >= math.ceil(plan.units / 153)
        assert all(sum(len(c.encode("gsm03.38")) for c in part) <= 153 for part in plan.parts)
    assert "".join(plan.parts) == text


@given(st.integers(min_value=1, max_value=5))
def test_the_153_septet_boundary(parts):
    assert measure("a" * 160, "intl").segments == 1
    assert measure("a" * 161, "intl").segments == 2
    assert measure("a" * 153 * parts + "a" * (parts > 1), "intl").segments == parts + (parts > 1)
    # an escape pair never straddles two parts: 152 basic + "€" moves the € to part two
    split = measure("a" * 152 + "€" + "a" * 10, "intl")
    assert split.parts[0] == "a" * 152 and split.parts[1].startswith("€")


@given(st.text(st.one_of(HANGUL, HANZI_IN_CP949, ASCII), min_size=1, max_size=300).filter(
    lambda t: any(ord(c) > 0x7F for c in t)))
def test_ucs2_70_then_67(text):
    plan = measure(text, "intl")
    assert plan.encoding == "ucs2" and plan.units == len(text)
    assert plan.segments == (1 if len(text) <= 70 else math.ceil(len(text) / 67))


@given(st.text(EMOJI, min_size=1, max_size=100))
def test_emoji_take_two_ucs2_units_and_are_never_split(emoji):
    plan = measure(emoji, "intl")
    assert plan.units == 2 * len(emoji)
    assert all(len(p.encode("utf-16-le")) // 2 <= (70 if plan.segments == 1 else 67) for p in plan.parts)
    assert "".join(plan.parts) == emoji


def test_the_67_unit_boundary():
    assert measure("가" * 70, "intl").segments == 1
    assert measure("가" * 71, "intl").segments == 2
    assert measure("가" * 134, "intl").segments == 2
    assert measure("가" * 135, "intl").segments == 3


@given(st.text(st.one_of(HANZI_IN_CP949, ASCII, st.sampled_from("你我他发给")), max_size=300),
       st.text(st.sampled_from("海东通信"), min_size=1, max_size=8))
def test_china_counts_the_signature(text, signature):
    plan = measure(text, "cn", signature=signature)
    total = len(text) + len(signature) + 2
    assert plan.units == total
    assert plan.parts[0].startswith(f"【{signature}】")
    assert plan.segments == (1 if total <= 70 else math.ceil(total / 67))


def test_china_boundary_with_signature():
    assert measure("好" * 64, "cn", signature="海东通信").segments == 1     # 64 + 6 = 70
    assert measure("好" * 65, "cn", signature="【海东通信】").segments == 2  # brackets not doubled
