"""Default picklist values (administrators own them after the first install)."""
from __future__ import annotations

from core.plugin_api import Picklist, picklist_values


picklists = [
    Picklist("account_kind", picklist_values(
        ("company", "법인·사업자", "企业", "Company"),
        ("individual", "개인", "个人", "Individual"),
    )),
    Picklist("account_status", picklist_values(
        ("prospect", "잠재고객", "潜在客户", "Prospect"),
        ("normal", "일반", "普通", "Normal"),
        ("vip", "VIP", "VIP", "VIP"),
        ("agent", "대리점", "代理商", "Agent"),
        ("partner", "협력사", "合作伙伴", "Partner"),
        ("invalid", "무효", "无效", "Invalid"),
        colours={"prospect": "#90a4ae", "normal": "#1e88e5", "vip": "#f4511e", "agent": "#8e24aa",
                 "partner": "#43a047", "invalid": "#757575"},
    )),
    Picklist("account_industry", picklist_values(
        ("manufacturing", "제조", "制造业", "Manufacturing"),
        ("it", "IT·통신", "IT·通信", "IT & telecom"),
        ("distribution", "유통", "流通", "Distribution"),
        ("construction", "건설", "建筑", "Construction"),
        ("service", "서비스", "服务业", "Services"),
        ("public", "공공", "公共机构", "Public sector"),
        ("other", "기타", "其他", "Other"),
    )),
    Picklist("account_source", picklist_values(
        ("website", "홈페이지", "官网", "Website"),
        ("referral", "소개", "转介绍", "Referral"),
        ("exhibition", "전시회", "展会", "Exhibition"),
        ("cold_call", "TM·콜드콜", "电话营销", "Cold call"),
        ("advertisement", "광고", "广告", "Advertisement"),
        ("partner", "협력사", "合作伙伴", "Partner"),
        ("web_form", "웹 양식", "在线表单", "Web form"),
        ("other", "기타", "其他", "Other"),
    )),
    Picklist("account_region", picklist_values(
        ("seoul", "서울", "首尔", "Seoul"),
        ("gyeonggi", "경기", "京畿", "Gyeonggi"),
        ("incheon", "인천", "仁川", "Incheon"),
        ("gangwon", "강원", "江原", "Gangwon"),
        ("chungcheong", "충청", "忠清", "Chungcheong"),
        ("daejeon", "대전·세종", "大田·世宗", "Daejeon / Sejong"),
        ("jeolla", "전라", "全罗", "Jeolla"),
        ("gwangju", "광주", "光州", "Gwangju"),
        ("gyeongsang", "경상", "庆尚", "Gyeongsang"),
        ("daegu", "대구", "大邱", "Daegu"),
        ("busan", "부산·울산", "釜山·蔚山", "Busan / Ulsan"),
        ("jeju", "제주", "济州", "Jeju"),
        ("china", "중국", "中国", "China"),
        ("overseas", "해외", "海外", "Overseas"),
    )),
    Picklist("contact_employment", picklist_values(
        ("employed", "재직", "在职", "Employed"),
        ("left", "퇴사", "离职", "Left"),
    )),
    Picklist("contact_groups", picklist_values(
        ("decision_maker", "의사결정자", "决策人", "Decision maker"),
        ("purchasing", "구매담당", "采购", "Purchasing"),
        ("technical", "기술담당", "技术", "Technical"),
        ("finance", "재무·회계", "财务", "Finance"),
        ("newsletter", "뉴스레터", "电子报", "Newsletter"),
        ("holiday_gift", "명절선물", "节日礼品", "Holiday gift"),
    )),
    Picklist("activity_type", picklist_values(
        ("call", "전화", "电话", "Call"),
        ("meeting", "미팅", "会议", "Meeting"),
        ("visit", "방문", "拜访", "Visit"),
        ("task", "할 일", "任务", "Task"),
        ("schedule", "일정", "日程", "Schedule"),
    )),
    Picklist("activity_status", picklist_values(
        ("planned", "계획", "计划", "Planned"),
        ("done", "완료", "完成", "Done"),
        ("cancelled", "취소", "取消", "Cancelled"),
        ("on_hold", "보류", "挂起", "On hold"),
        colours={"planned": "#1e88e5", "done": "#43a047", "cancelled": "#757575", "on_hold": "#fb8c00"},
    )),
]
