"""Korean and Chinese words of the products and opportunities catalogues (see shared GLOSSARY).

``python -m plugins.opportunities.translations.words`` re-extracts both plugins' messages and
writes their ``ko``, ``zh_Hans`` and ``en`` catalogues from this table, so a new message
without a translation fails loudly instead of showing English to Korean users.
"""
from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    # products
    'Send the picture as the multipart field "image".': ('사진을 multipart 필드 "image"로 보내 주세요.', '请以 multipart 字段 "image" 发送图片。'),
    "Required.": ("필수 항목입니다.", "必填。"),
    "This product has no image.": ("이 상품에는 이미지가 없습니다.", "该产品没有图片。"),
    "Some fields are not valid.": ("올바르지 않은 항목이 있습니다.", "部分字段无效。"),
    "Not a valid record id.": ("올바른 레코드 ID가 아닙니다.", "不是有效的记录 ID。"),
    "Product categories": ("상품 분류", "产品分类"),
    "Product category": ("상품 분류", "产品分类"),
    "Category": ("분류", "分类"),
    "Parent category": ("상위 분류", "上级分类"),
    "Full path": ("전체 경로", "完整路径"),
    "Products": ("상품", "产品"),
    "Product": ("상품", "产品"),
    "Product name": ("상품명", "产品名称"),
    "Model": ("모델", "型号"),
    "Product code": ("상품 코드", "产品编码"),
    "Unit": ("단위", "单位"),
    "List price": ("정가", "标准价格"),
    "Cost": ("원가", "成本"),
    "Discontinued": ("단종", "停产"),
    "Image": ("이미지", "图片"),
    "Description": ("설명", "描述"),
    "Price lists": ("가격표", "价格表"),
    "Price list": ("가격표", "价格表"),
    "Active": ("사용", "启用"),
    "Product prices": ("상품 가격", "产品价格"),
    "Product price": ("상품 가격", "产品价格"),
    "Price": ("가격", "价格"),
    "Product options": ("상품 옵션", "产品选项"),
    "Product option": ("상품 옵션", "产品选项"),
    "Option": ("옵션", "选项"),
    "Extra price": ("추가 가격", "加价"),
    "Extra cost": ("추가 원가", "附加成本"),
    "Prices": ("가격", "价格"),
    "Options": ("옵션", "选项"),
    "Sub-categories": ("하위 분류", "子分类"),
    "The image is too large.": ("이미지가 너무 큽니다.", "图片太大。"),
    "At most 40 megapixels.": ("최대 4천만 화소까지 가능합니다.", "最多 4000 万像素。"),
    "The file is not an image.": ("이미지 파일이 아닙니다.", "该文件不是图片。"),
    "Upload a JPEG, PNG, GIF, WebP or BMP picture.": ("JPEG, PNG, GIF, WebP, BMP 이미지를 올려 주세요.",
                                                      "请上传 JPEG、PNG、GIF、WebP 或 BMP 图片。"),
    "You may not see or change costs.": ("원가를 보거나 바꿀 권한이 없습니다.", "您无权查看或修改成本。"),
    "A category cannot be moved under itself or its own sub-category.": (
        "분류를 자기 자신이나 하위 분류 아래로 옮길 수 없습니다.", "分类不能移到自身或其子分类之下。"),
    "No such product.": ("없는 상품입니다.", "没有该产品。"),
    "%(name)s is discontinued and cannot be offered.": ("%(name)s은(는) 단종되어 제안할 수 없습니다.",
                                                        "%(name)s 已停产,不能再报价。"),
    # opportunities
    "Pipeline board": ("영업 파이프라인 보드", "销售管道看板"),
    "Sales reports": ("영업 보고서", "销售报表"),
    "Unknown report %(name)s.": ("알 수 없는 보고서입니다: %(name)s", "未知报表:%(name)s"),
    "Opportunities": ("영업기회", "商机"),
    "Opportunity": ("영업기회", "商机"),
    "Opportunity name": ("영업기회명", "商机名称"),
    "Account": ("고객사", "客户"),
    "Contact": ("담당자", "联系人"),
    "Opportunity type": ("영업기회 유형", "商机类型"),
    "Source": ("출처", "来源"),
    "Campaign": ("캠페인", "市场活动"),
    "Stage": ("진행단계", "阶段"),
    "In this stage since": ("현 단계 시작", "进入本阶段时间"),
    "Completed actions": ("완료한 필수 활동", "已完成的动作"),
    "Probability": ("가능성", "可能性"),
    "Probability entered by hand": ("가능성 직접 입력", "手工输入可能性"),
    "Amount": ("금액", "金额"),
    "Amount entered by hand": ("금액 직접 입력", "手工输入金额"),
    "Forecast amount": ("예측 금액", "预测金额"),
    "Amount × probability / 100, computed on every save.": ("금액 × 가능성 / 100, 저장할 때마다 계산됩니다.",
                                                            "金额 × 可能性 / 100,每次保存时计算。"),
    "Cost total": ("원가(합계)", "成本合计"),
    "Expected close date": ("예상 계약 일자", "预计成交日期"),
    "Billing method": ("과금방식", "计费方式"),
    "Expected revenue month": ("매출예상월", "预计收入月份"),
    "Lump sum: the month the revenue is expected (any day of it).": (
        "일시불: 매출이 예상되는 달 (그 달의 아무 날짜)", "一次性:预计收入的月份(该月任意一天)。"),
    "Revenue end month": ("매출 종료월", "收入结束月份"),
    "Monthly: the last month; the period starts at the expected revenue month.": (
        "월납: 마지막 달. 기간은 매출예상월부터 시작합니다.", "按月:最后一个月;期间从预计收入月份开始。"),
    "Last revenue month": ("매출 종료월", "最后收入月份"),
    "Monthly amount": ("월 금액", "每月金额"),
    "Last month amount": ("마지막 달 금액", "最后一个月金额"),
    "Monthly forecast amount": ("월 예측 금액", "每月预测金额"),
    "Last month forecast amount": ("마지막 달 예측 금액", "最后一个月预测金额"),
    "Lost reason": ("실패 사유", "丢单原因"),
    "Lost to competitor": ("수주한 경쟁사", "输给的竞争对手"),
    "Customer requirements": ("고객 요구사항", "客户需求"),
    "Line items": ("상품 내역", "产品明细"),
    "Line item": ("상품 내역", "产品明细"),
    "Unit cost": ("원단가", "单位成本"),
    "Unit price": ("판매단가", "单价"),
    "Quantity": ("수량", "数量"),
    "Sale total": ("판매가(합계)", "销售合计"),
    "Partners": ("협력사", "合作伙伴"),
    "Partner": ("협력사", "合作伙伴"),
    "Role": ("역할", "角色"),
    "Competitors": ("경쟁사", "竞争对手"),
    "Competitor": ("경쟁사", "竞争对手"),
    "Strengths": ("강점", "优势"),
    "Weaknesses": ("약점", "劣势"),
    "Their price": ("경쟁사 가격", "对方价格"),
    "No such record, or you cannot see it.": ("없는 레코드이거나 볼 수 없는 레코드입니다.", "记录不存在或您无权查看。"),
    "A line item cannot move to another opportunity.": ("상품 내역을 다른 영업기회로 옮길 수 없습니다.",
                                                        "产品明细不能移到其他商机。"),
    "Invalid list parameters.": ("목록 조건이 올바르지 않습니다.", "列表参数无效。"),
    "The end month is before the start month.": ("종료월이 시작월보다 앞섭니다.", "结束月份早于开始月份。"),
    "Use one of: %(names)s.": ("다음 중 하나를 쓰세요: %(names)s", "请使用以下之一:%(names)s"),
    "Must be a whole number of at least 1.": ("1 이상의 정수여야 합니다.", "必须是不小于 1 的整数。"),
    "The billing details are not valid.": ("과금 정보가 올바르지 않습니다.", "计费信息无效。"),
    "Enter the expected revenue month.": ("매출예상월을 입력하세요.", "请输入预计收入月份。"),
    "Enter the last month of the monthly billing.": ("월납의 마지막 달을 입력하세요.", "请输入按月计费的最后一个月。"),
    "At most %(n)s months.": ("최대 %(n)s개월까지 가능합니다.", "最多 %(n)s 个月。"),
    "Give at least one installment: a list of {month, amount}.": (
        "분납을 하나 이상 입력하세요: {month, amount} 목록", "请至少输入一期分期:{month, amount} 列表。"),
    "Each installment is an object with month and amount.": ("각 분납은 month와 amount를 가진 객체입니다.",
                                                             "每期分期都是包含 month 和 amount 的对象。"),
    "The month %(month)s appears twice.": ("%(month)s월이 두 번 들어 있습니다.", "月份 %(month)s 重复。"),
    "Not a valid month (YYYY-MM).": ("올바른 연월이 아닙니다 (YYYY-MM).", "不是有效的月份(YYYY-MM)。"),
    "The installments add up to %(sum)s but the amount is %(amount)s.": (
        "분납 합계 %(sum)s이(가) 금액 %(amount)s과(와) 다릅니다.", "分期合计 %(sum)s 与金额 %(amount)s 不一致。"),
    "Say why the opportunity was lost.": ("실패 사유를 입력하세요.", "请说明丢单原因。"),
    "Choose the lost reason (and the competitor, if any).": ("실패 사유(와 경쟁사)를 선택하세요.",
                                                             "请选择丢单原因(以及竞争对手,如有)。"),
    "Enter the installments (months and amounts) with the revenue schedule.": (
        "매출 일정에서 분납(월과 금액)을 입력하세요.", "请在收入计划中输入分期(月份和金额)。"),
    "At most %(n)s characters.": ("최대 %(n)s자까지 가능합니다.", "最多 %(n)s 个字符。"),
    "The request body must be a JSON object.": ("요청 본문은 JSON 객체여야 합니다.", "请求正文必须是 JSON 对象。"),
    "Installments apply to the installment billing method only.": ("분납 내역은 분납 과금방식에만 쓸 수 있습니다.",
                                                                   "分期仅适用于分期计费方式。"),
    "Contract %(title)s added.": ("계약 %(title)s 등록", "已添加合同 %(title)s。"),
    "%(value)s is not an allowed value.": ("%(value)s은(는) 허용되지 않는 값입니다.", "%(value)s 不是允许的值。"),
    "No %(kind)s stage is defined for this opportunity type.": ("이 유형에는 %(kind)s 단계가 없습니다.",
                                                                "该商机类型没有 %(kind)s 阶段。"),
    "This stage is not used for this opportunity type.": ("이 유형에서는 쓰지 않는 단계입니다.", "该商机类型不使用此阶段。"),
    "Complete the required actions before advancing: %(actions)s.": (
        "다음 단계로 가기 전에 필수 활동을 완료하세요: %(actions)s", "推进阶段前请先完成必须的动作:%(actions)s。"),
    "Missing: %(actions)s.": ("미완료: %(actions)s", "未完成:%(actions)s。"),
    "List": ("목록", "列表"),
    "Excel download": ("엑셀 다운로드", "导出 Excel"),
    "%(n)s days in stage": ("단계 체류 %(n)s일", "阶段停留 %(n)s 天"),
    "Why was it lost?": ("실패 사유는 무엇인가요?", "为什么丢单?"),
    "Cancel": ("취소", "取消"),
    "Save": ("저장", "保存"),
    "When": ("일시", "时间"),
    "From": ("이전 단계", "原阶段"),
    "To": ("새 단계", "新阶段"),
    "Days": ("체류 일수", "停留天数"),
    "Who": ("변경자", "操作人"),
    "Note": ("메모", "备注"),
    "No revenue schedule yet.": ("매출 일정이 아직 없습니다.", "尚无收入计划。"),
    "Sales funnel": ("판매 깔때기", "销售漏斗"),
    "Count": ("건수", "数量"),
    "Share": ("비율", "占比"),
    "Conversion": ("전환율", "转化率"),
    "Sales forecast": ("판매 예측", "销售预测"),
    "Total": ("합계", "合计"),
    "By owner": ("담당사원별", "按负责人"),
    "By source": ("출처별", "按来源"),
    "Stuck deals": ("정체된 영업기회", "停滞的商机"),
    "more than %(n)s days in stage": ("단계 체류 %(n)s일 초과", "阶段停留超过 %(n)s 天"),
    "Won / lost": ("수주 / 실패", "赢单 / 丢单"),
    "Won": ("수주", "赢单"),
    "Lost": ("실패", "丢单"),
    "Win rate": ("수주율", "赢单率"),
    "Revenue schedule": ("매출 상세", "收入计划"),
    "Stage history": ("단계 진행 내역", "阶段升迁记录"),
}


def write_catalogues() -> list[str]:
    """Extract each plugin's messages and write its three catalogues; returns msgids lacking a translation."""
    import subprocess
    import sys
    from pathlib import Path

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    root = Path(__file__).resolve().parents[3]
    missing = []
    for plugin in ("products", "opportunities"):
        folder = root / "plugins" / plugin / "translations"
        pot = folder / "messages.pot"
        subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                        str(root / "core" / "translations" / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
                        "--ignore-dirs=tests", "--ignore-dirs=translations", "--no-location", "-o", str(pot),
                        str(root / "plugins" / plugin)], check=True, capture_output=True)
        with pot.open("rb") as f:
            template = read_po(f)
        for lang, index in (("ko", 0), ("zh_Hans", 1), ("en", None)):
            catalog = Catalog(locale=lang, project=f"plugcrm {plugin}")
            for message in template:
                if not message.id:
                    continue
                if index is None:
                    text = message.id
                elif message.id in WORDS:
                    text = WORDS[message.id][index]
                else:
                    missing.append(message.id)
                    text = ""
                catalog.add(message.id, text)
            out = folder / lang / "LC_MESSAGES" / "messages.po"
            out.parent.mkdir(parents=True, exist_ok=True)
            with out.open("wb") as f:
                write_po(f, catalog, width=120)
    return sorted(set(missing))


if __name__ == "__main__":
    left = write_catalogues()
    for msgid in left:
        print("untranslated:", msgid)
    raise SystemExit(1 if left else 0)
