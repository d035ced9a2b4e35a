"""``plugcrm demo``: Korean companies, business cards and three months of activities over several reps."""
from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa

from core import clock
from core.db import session
from plugins.customers.validators import with_check_digit

DEMO_USERS = {
    "director": [("박영호", "director@demo.plugcrm.kr")],
    "manager": [("최지훈", "manager@demo.plugcrm.kr")],
    "sales": [("김민수", "minsu.kim@demo.plugcrm.kr"), ("이서연", "seoyeon.lee@demo.plugcrm.kr")],
}

# name, alias, first nine digits of the business number, representative, status, industry, source, region,
# phone, address, hot reason (or None)
COMPANIES = [
    ("(주)해동통신", "해동", "214860123", "김해동", "vip", "it", "referral", "seoul", "02-555-1234",
     "서울특별시 강남구 테헤란로 152", "연간 유지보수 재계약 협의 중"),
    ("대한정밀(주)", "대한정밀", "128810456", "이정민", "normal", "manufacturing", "exhibition", "gyeonggi",
     "031-478-2200", "경기도 안산시 단원구 강서길 9", None),
    ("(주)한빛유통", "한빛", "605812233", "박한빛", "normal", "distribution", "website", "busan", "051-808-7700",
     "부산광역시 해운대구 센텀중앙로 97", None),
    ("미래건설(주)", "미래건설", "301814567", "정미래", "prospect", "construction", "cold_call", "daejeon",
     "042-488-3300", "대전광역시 유성구 대학로 99", "신규 사옥 ERP 도입 검토"),
    ("(주)새솔테크", "새솔", "409867890", "최새솔", "partner", "it", "partner", "gwangju", "062-371-4400",
     "광주광역시 북구 첨단과기로 123", None),
    ("청운식품(주)", "청운", "137811122", "한청운", "agent", "manufacturing", "referral", "incheon",
     "032-822-6600", "인천광역시 남동구 남동대로 215", None),
    ("(주)다온물산", "다온", "220873344", "오다온", "prospect", "distribution", "advertisement", "seoul",
     "02-3443-9900", "서울특별시 송파구 올림픽로 300", "경쟁사 계약 만료 임박"),
    ("우리회계법인", "우리회계", "104815566", "윤우리", "normal", "service", "website", "seoul", "02-730-1100",
     "서울특별시 종로구 종로 33", None),
    ("(주)바른의료기", "바른", "514817788", "서바른", "normal", "manufacturing", "exhibition", "daegu",
     "053-602-5500", "대구광역시 수성구 알파시티1로 160", None),
    ("한국공공데이터센터", "공공데이터", "305829900", "강공공", "prospect", "public", "web_form", "daejeon",
     "042-869-0100", "대전광역시 서구 청사로 189", None),
]

CONTACTS = [("김", "부장", "구매팀"), ("이", "과장", "전산팀"), ("박", "대리", "총무팀"), ("최", "차장", "기술연구소"),
            ("정", "이사", "경영지원"), ("강", "팀장", "영업팀")]
GIVEN = ["지훈", "서연", "민준", "하은", "도윤", "수아", "예준", "지우", "시우", "서윤", "주원", "하린"]
SUBJECTS = {
    "call": ["유지보수 갱신 안내 전화", "견적 관련 문의 응대", "납기 일정 확인"],
    "meeting": ["요구사항 협의 미팅", "제품 시연 미팅", "분기 실적 리뷰"],
    "visit": ["현장 방문 상담", "설치 점검 방문", "신규 담당자 인사 방문"],
    "task": ["견적서 발송", "계약서 초안 작성", "사업자등록증 사본 요청"],
    "schedule": ["전시회 부스 미팅", "교육 일정"],
}


def ensure_users(demo) -> None:
    """Demo users in the default roles (created when the core's demo did not bring them)."""
    from core.demo import DEMO_PASSWORD
    from core.security.models import Role, User

    sess = session()
    for role_name, people in DEMO_USERS.items():
        if demo.users.get(role_name):
            continue
        role_id = sess.scalar(sa.select(Role.id).where(Role.name == role_name))
        users = []
        for name, email in people:
            user = sess.scalar(sa.select(User).where(User.email == email))
            if user is None:
                user = User(email=email, name=name, role_id=role_id, language="ko")
                user.set_password(DEMO_PASSWORD)
                sess.add(user)
                sess.flush()
            users.append(user)
        demo.users[role_name] = users


def fill(demo) -> None:
    from plugins.customers.default_visit_template import DEFAULT_TEMPLATE, DEFAULT_TEMPLATE_NAME

    ensure_users(demo)
    rng = random.Random(20261122)
    reps = demo.users["sales"] + demo.users["manager"]
    now = clock.now()
    template = default_template(demo, DEFAULT_TEMPLATE_NAME, DEFAULT_TEMPLATE)
    for index, row in enumerate(COMPANIES):
        owner = reps[index % len(reps)]
        account = create_account(demo, row, owner, now - dt.timedelta(days=120 - index * 7))
        people = [create_contact(demo, account, owner, rng, index * 2 + k) for k in range(2)]
        create_activities(demo, account, people, owner, rng, now)
        if index < 4:
            demo.create("visit_logs", {"account_id": account["id"], "contact_id": people[0]["id"],
                                       "visit_date": (now - dt.timedelta(days=3 + index)).date(),
                                       "purpose": "추가개발 상담 요청", "status": "done",
                                       "template_id": template["id"], "owner_id": owner.id}, owner)
    director = demo.users["director"][0]
    demo.create("activities", {"subject": "주간 영업회의", "type": "meeting", "status": "planned",
                               "start_at": now + dt.timedelta(days=1), "owner_id": director.id}, director)
    first_screen(demo, now)


def first_screen(demo, now) -> None:
    """The administrator who logs in first sees an overdue call and today's meeting on the workbench."""
    from core.runtime import runtime

    table = runtime().registry.get("accounts").table
    haedong = session().scalar(sa.select(table.c.id).where(table.c.name == COMPANIES[0][0]))
    for subject, kind, start in (("해동통신 재계약 조건 회신 전화", "call", now - dt.timedelta(days=1)),
                                 ("해동통신 유지보수 재계약 미팅", "meeting", now + dt.timedelta(hours=2))):
        demo.create("activities", {"subject": subject, "type": kind, "status": "planned", "account_id": haedong,
                                   "start_at": start, "end_at": start + dt.timedelta(hours=1),
                                   "reminder_at": start - dt.timedelta(minutes=30),
                                   "owner_id": demo.admin.id}, demo.admin)


def default_template(demo, name: str, body: str) -> dict:
    """The template ``customers_0002`` installed, or a new one (databases built without migrations)."""
    from core.runtime import runtime

    table = runtime().registry.get("visit_templates").table
    existing = session().scalar(sa.select(table.c.id).where(table.c.name == name))
    return {"id": existing} if existing else demo.create("visit_templates", {"name": name, "body": body})


def create_account(demo, row, owner, registered) -> dict:
    (name, alias, brn, representative, status, industry, source, region, phone, address, hot) = row
    values = {"name": name, "alias": alias, "business_number": with_check_digit(brn),
              "representative": representative, "status": status, "industry": industry, "source": source,
              "region": region, "phone": phone, "address": address, "owner_id": owner.id,
              "registered_on": registered.date(), "credit_limit": "50000000" if status == "vip" else "10000000"}
    if hot:
        values.update(is_hot=True, hot_reason=hot, heat_level=4)
    return demo.create("accounts", values, owner)


def create_contact(demo, account, owner, rng, n) -> dict:
    family, title, department = CONTACTS[n % len(CONTACTS)]
    given = GIVEN[n % len(GIVEN)]
    return demo.create("contacts", {
        "name": family + given, "account_id": account["id"], "job_title": title, "department": department,
        "mobile": f"010-{rng.randint(2000, 9899)}-{rng.randint(1000, 9999)}", "direct_line": account["phone"],
        "email": f"contact{n + 1}@example.co.kr", "owner_id": owner.id,
        "birthday": dt.date(1970 + n % 25, n % 12 + 1, n % 27 + 1),
        "groups": ["decision_maker"] if title in ("이사", "부장") else ["purchasing"]}, owner)


def create_activities(demo, account, people, owner, rng, now) -> None:
    """About a dozen activities over the last three months and the next two weeks."""
    for _n in range(rng.randint(6, 14)):
        kind = rng.choice(list(SUBJECTS))
        start = now + dt.timedelta(days=rng.randint(-90, 14), hours=rng.randint(-4, 4))
        status = "done" if start < now else "planned"
        if status == "done" and rng.random() < 0.1:
            status = "cancelled"
        demo.create("activities", {
            "subject": rng.choice(SUBJECTS[kind]), "type": kind, "status": status, "account_id": account["id"],
            "contact_id": rng.choice(people)["id"], "start_at": start, "end_at": start + dt.timedelta(hours=1),
            "owner_id": owner.id}, owner)
