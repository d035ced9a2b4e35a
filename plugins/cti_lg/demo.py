"""Demo data (service receipts on the demo customers) and the line for the fake Centrex of the demo."""
from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import urllib.parse
import urllib.request

import sqlalchemy as sa

from core import clock
from core.db import session
from core.entities.query import visible_select
from core.errors import ValidationError
from core.plugin_api import translator
from core.runtime import runtime
from core.security.models import User
from plugins.cti_lg import dialing, lines
from plugins.cti_lg.fake_centrex import NUMBER, PASSWORD
from plugins.cti_lg.models import Line

_, _l = translator("cti_lg")

RECEIPTS = [  # category, major, minor, content, answer, status
    ("as", "product", "fault", "프린터 드라이버 설치 후 인쇄가 안 됨", "원격 접속하여 드라이버 재설치, 정상 출력 확인", "done"),
    ("sales", "product", "inquiry", "GS-5200 도입 문의, 견적 요청", "", "open"),
    ("after_sales", "service", "education", "교육 방문 가능 시간 문의", "다음 주 화요일 오후 2시 방문 예정", "on_hold"),
    ("complaint", "delivery", "order", "주문한 소모품이 아직 도착하지 않음", "택배사 확인 결과 내일 도착 예정 안내", "done"),
    ("as", "service", "installation", "신규 PC 2대 프로그램 설치 요청", "", "open"),
    ("sales", "billing", "order", "ADJ-50128 견적 이메일 발송 요청", "견적서 이메일 발송 완료", "done"),
]
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fill(demo) -> None:
    accounts = runtime().registry.entities["accounts"]
    t = accounts.table
    rows = session().execute(sa.select(t.c.id, t.c.phone).where(t.c.deleted_at.is_(None)).order_by(t.c.id)
                             .limit(len(RECEIPTS))).all()
    agents = demo.users.get("service") or demo.users.get("sales") or [demo.admin]
    for i, (category, major, minor, content, answer, status) in enumerate(RECEIPTS):
        account = rows[i % len(rows)] if rows else None
        agent = agents[i % len(agents)]
        demo.create("service_receipts", {
            "received_at": (clock.now() - dt.timedelta(days=i * 3, hours=i)).isoformat(),
            "account_id": account.id if account else None, "phone": account.phone if account else None,
            "category": category, "path": "phone", "major": major, "minor": minor, "content": content,
            "answer": answer or None, "status": status, "receiver_id": agent.id, "owner_id": agent.id})


def ipv4(host: str) -> str:
    try:
        return str(ipaddress.IPv4Address(host))
    except ValueError:
        return socket.gethostbyname(host)


def connect_fake(fake, app_host: str, app_port: int, email: str | None) -> dict:
    """A line on the fake Centrex, extension 101 for ``email`` (or the first administrator), callback registered."""
    users = sa.select(User).where(User.active.is_(True)).order_by(User.id)
    user = session().scalars(users.where(User.email == email.lower()) if email else users.where(User.is_admin)).first()
    if user is None:
        raise ValidationError(_("No such active user."))
    line = session().scalars(sa.select(Line).where(Line.number == NUMBER)).first()
    line = lines.save({"number": NUMBER, "label": "Demo (fake Centrex)", "password": PASSWORD, "base_url": fake.url},
                      line.id if line else None)
    lines.set_extension(line.id, "101", user.id)
    session().commit()
    lines.register_callback(line.id, ipv4(app_host), app_port)
    return {"number": NUMBER, "user": user.email}


def is_fake(line: Line) -> bool:
    host = urllib.parse.urlsplit(line.base_url).hostname or ""
    return host in ("127.0.0.1", "localhost", "::1")


def a_customer_number(user) -> str | None:
    """A phone number of an account ``user`` may see, so the demo ring pops up a real customer."""
    accounts = runtime().registry.entities["accounts"]
    t = accounts.table
    phone = session().scalar(visible_select(accounts, user, t.c.phone).where(t.c.phone.is_not(None))
                             .order_by(t.c.id).limit(1))
    return dialing.national(phone) if phone else None


def ring_fake(line: Line, sender: str, inner_num: str) -> None:
    """Ask the fake Centrex of a demo line to ring (its own control address, not part of Centrex's API)."""
    parts = urllib.parse.urlsplit(line.base_url)
    form = urllib.parse.urlencode({"sender": sender, "inner_num": inner_num}).encode()
    with NO_PROXY.open(urllib.request.Request(f"{parts.scheme}://{parts.netloc}/fake/ring", data=form), timeout=10):
        pass
