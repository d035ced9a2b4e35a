"""``plugcrm demo``: the website's inquiry form, handled by the first sales rep."""
from __future__ import annotations

from plugins.webforms import services

FIELDS = [
    {"field_name": "name", "kind": "text", "required": True, "labels": {"ko": "성함", "zh_Hans": "姓名", "en": "Name"}},
    {"field_name": "company", "kind": "text", "labels": {"ko": "회사명", "zh_Hans": "公司", "en": "Company"}},
    {"field_name": "mobile", "kind": "text", "required": True,
     "labels": {"ko": "휴대폰", "zh_Hans": "手机", "en": "Mobile"}},
    {"field_name": "email", "kind": "text", "labels": {"ko": "이메일", "zh_Hans": "邮箱", "en": "Email"}},
    {"field_name": "campaign", "kind": "select", "options": ["그룹웨어", "ERP", "CRM"],
     "labels": {"ko": "관심 제품", "zh_Hans": "感兴趣的产品", "en": "Product"}},
    {"field_name": "description", "kind": "textarea", "required": True,
     "labels": {"ko": "문의 내용", "zh_Hans": "咨询内容", "en": "Message"}},
    {"field_name": "marketing_consent", "kind": "checkbox",
     "labels": {"ko": "마케팅 정보 수신에 동의합니다", "zh_Hans": "同意接收营销信息", "en": "I agree to receive marketing"}},
]


def fill(demo) -> None:
    handler = (demo.users.get("sales") or [demo.admin])[0]
    services.save_form(None, {"name": "홈페이지 제품 문의", "handler_id": handler.id, "source": "web_form",
                              "thank_you": "문의해 주셔서 감사합니다. 담당자가 곧 연락드리겠습니다.",
                              "fields": FIELDS}, demo.admin)
