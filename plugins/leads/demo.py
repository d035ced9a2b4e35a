"""``plugcrm demo``: a handful of inquiries in every status, spread over the sales reps."""
from __future__ import annotations

# name, company, title, mobile, email, source, status, campaign, description
LEADS = [
    ("정하늘", "(주)하늘소프트", "과장", "010-2345-6701", "sky@haneulsoft.kr", "web_form", "new", "",
     "홈페이지 문의: 그룹웨어 30인 견적 요청"),
    ("문지호", "지호물류(주)", "대리", "010-2345-6702", "jiho@jihologis.kr", "exhibition", "contacted",
     "2026 스마트물류 전시회", "전시회 부스 방문, 재고관리 데모 희망"),
    ("배수진", "수진디자인", "대표", "010-2345-6703", "sujin@sujindesign.kr", "referral", "qualified", "",
     "대한정밀 소개, 연내 도입 예산 확보"),
    ("장태오", "(주)태오건설", "부장", "010-2345-6704", "taeo@taeoconst.kr", "cold_call", "disqualified", "",
     "올해 예산 없음, 내년 재연락"),
    ("李明", "明华贸易有限公司", "经理", "010-2345-6705", "liming@minghua.cn", "advertisement", "new",
     "검색광고 11월", "중국 법인 CRM 문의"),
]


def fill(demo) -> None:
    reps = demo.users.get("sales") or [demo.admin]
    for i, (name, company, title, mobile, email, source, status, campaign, description) in enumerate(LEADS):
        values = {"name": name, "company": company, "job_title": title, "mobile": mobile, "email": email,
                  "source": source, "status": status, "campaign": campaign or None, "description": description,
                  "marketing_consent": i % 2 == 0, "owner_id": reps[i % len(reps)].id, "confirm_duplicate": True}
        if status == "disqualified":
            values["disqualified_reason"] = "no_budget"
        demo.create("leads", values, reps[i % len(reps)])
