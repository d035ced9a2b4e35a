"""Korean and Chinese words of the quotes plugin (see shared GLOSSARY and the NewZen / U8 seeds).

``python -m plugins.quotes.translations.words`` re-extracts the plugin's messages and writes its
``ko``, ``zh_Hans`` and ``en`` catalogues from this table; a message without a translation is
printed and the command fails.
"""
from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "Quote": ("견적서", "报价单"),
    "Quotes": ("견적서", "报价单"),
    "Sales order": ("판매 주문", "销售订单"),
    "Sales orders": ("판매 주문", "销售订单"),
    "Quote status": ("견적현황", "报价单状态"),
    "Quote reports": ("견적 보고서", "报价单报表"),
    "Quote settings": ("견적서 설정", "报价单设置"),
    "Quotes awaiting your approval": ("결재 대기 견적서", "待我审批的报价单"),
    "Give %(name)s as a record id.": ("%(name)s에 레코드 ID를 주세요.", "请以记录 ID 提供 %(name)s。"),
    "Unknown report %(name)s.": ("알 수 없는 보고서입니다: %(name)s", "未知报表：%(name)s"),
    "This quote was already submitted.": ("이미 결재 상신한 견적서입니다.", "该报价单已提交审批。"),
    "Only a draft or a quote in progress can be submitted for approval.":
        ("작성중이거나 견적진행 중인 견적서만 결재 상신할 수 있습니다.", "只有草稿或进行中的报价单可以提交审批。"),
    "Add the quote's lines before submitting it.": ("상신하기 전에 품목을 입력하세요.", "提交前请先添加报价明细。"),
    "This quote is not awaiting approval.": ("결재 대기 중인 견적서가 아닙니다.", "该报价单不在待审批状态。"),
    "You cannot approve this quote: it needs a superior of its owner (above the approval amount: the approval role or higher).":
        ("이 견적서를 결재할 수 없습니다. 담당자의 상급자가 결재해야 합니다(결재 기준 금액 초과 시 지정 직급 이상).",
         "您不能审批该报价单：需要负责人的上级审批（超过审批金额时需指定角色或更高）。"),
    "There is no submission or approval to withdraw.": ("취소할 상신이나 결재가 없습니다.", "没有可撤回的提交或审批。"),
    "Only an approver can withdraw this quote's approval.": ("결재권자만 결재를 취소할 수 있습니다.", "只有审批人可以弃审。"),
    "A sales order was made from this quote; its approval cannot be withdrawn.":
        ("이 견적서로 판매 주문이 작성되어 결재를 취소할 수 없습니다.", "该报价单已生成销售订单，不能弃审。"),
    "Some fields are not valid.": ("올바르지 않은 항목이 있습니다.", "部分字段无效。"),
    "Enter text.": ("글자로 입력하세요.", "请输入文字。"),
    "Say why the quote is rejected.": ("반려 사유를 입력하세요.", "请填写驳回原因。"),
    "Required.": ("필수 항목입니다.", "必填。"),
    "At most %(n)s characters.": ("최대 %(n)s자까지 입력할 수 있습니다.", "最多 %(n)s 个字符。"),
    "Quote %(number)s awaits your approval": ("견적서 %(number)s 결재 요청", "报价单 %(number)s 待您审批"),
    "%(who)s submitted quote %(number)s \"%(title)s\" (total %(total)s) for approval.\n\n%(link)s":
        ("%(who)s님이 견적서 %(number)s \"%(title)s\"(합계 %(total)s)의 결재를 요청했습니다.\n\n%(link)s",
         "%(who)s 提交了报价单 %(number)s “%(title)s”（合计 %(total)s）待审批。\n\n%(link)s"),
    "No such record, or you cannot see it.": ("없는 레코드이거나 볼 권한이 없습니다.", "记录不存在或您无权查看。"),
    "A line cannot move to another document.": ("품목 행은 다른 문서로 옮길 수 없습니다.", "明细行不能移到其他单据。"),
    "Enter the unit price.": ("단가를 입력하세요.", "请输入单价。"),
    "Enter the text of the row.": ("행의 내용을 입력하세요.", "请输入该行内容。"),
    "Choose a product or enter the item name.": ("상품을 고르거나 품명을 입력하세요.", "请选择产品或输入品名。"),
    "Supply amount": ("공급가액", "不含税金额"),
    "VAT": ("부가세액", "增值税"),
    "Total amount": ("합계금액", "价税合计"),
    "Currency": ("통화", "币种"),
    "VAT rounding": ("부가세 끝수 처리", "税额舍入方式"),
    "The rounding rule the totals were computed with (per line or per document).":
        ("합계를 계산한 끝수 처리 기준(행별 또는 문서별)입니다.", "计算合计所用的舍入方式（按行或按单据）。"),
    "Quote title": ("견적제목", "报价单主题"),
    "Account": ("거래처", "客户"),
    "Contact": ("담당자", "联系人"),
    "Opportunity": ("영업기회", "商机"),
    "Quote date": ("견적일자", "报价日期"),
    "Valid until": ("유효일자", "有效期至"),
    "Delivery site": ("납품현장", "交货地点"),
    "Payment terms": ("결제조건", "付款条件"),
    "Delivery terms": ("납품조건", "交货条件"),
    "Remarks": ("비고", "备注"),
    "Approval": ("결재", "审批"),
    "Approved by": ("결재자", "审批人"),
    "Approved at": ("결재일시", "审批时间"),
    "Approval note": ("결재 의견", "审批意见"),
    "The reason given with the last approval step (a rejection's reason).":
        ("마지막 결재 단계의 의견(반려 사유)입니다.", "最近一次审批操作的说明（驳回原因）。"),
    "Document": ("문서", "单据"),
    "Position": ("순서", "顺序"),
    "Lines are shown in this order; new lines go last.": ("이 순서로 표시되며 새 행은 맨 뒤에 붙습니다.", "按此顺序显示，新行排在最后。"),
    "Line type": ("행 구분", "行类型"),
    "Product": ("상품", "产品"),
    "Item code": ("품번", "品号"),
    "Item name": ("품명", "品名"),
    "Specification": ("규격", "规格"),
    "Unit": ("단위", "单位"),
    "Quantity": ("수량", "数量"),
    "Unit price": ("단가", "单价"),
    "Discount %": ("할인율 %", "折扣 %"),
    "VAT rate": ("부가세율", "税率"),
    "Empty: the deployment's VAT rate. 0 for zero-rated or exempt items.":
        ("비우면 기본 부가세율을 씁니다. 영세율·면세 품목은 0.", "留空使用默认税率；零税率或免税商品填 0。"),
    "Note": ("메모", "备注"),
    "Quote lines": ("견적 품목", "报价明细"),
    "Quote line": ("견적 품목", "报价明细"),
    "Order title": ("주문제목", "订单主题"),
    "The accepted quote this order comes from (one order per quote).":
        ("이 주문의 근거가 된 신청완료 견적서(견적서당 주문 하나).", "该订单来源的已接受报价单（每张报价单一个订单）。"),
    "Order date": ("주문일자", "订单日期"),
    "Delivery date": ("납기일자", "交货日期"),
    "Order status": ("주문상태", "订单状态"),
    "Payment status": ("입금상태", "付款状态"),
    "Paid amount": ("입금액", "已付金额"),
    "Confirmed at": ("확정일시", "确认时间"),
    "Credit override reason": ("신용한도 초과 승인 사유", "超信用额度原因"),
    "Order lines": ("주문 품목", "订单明细"),
    "Order line": ("주문 품목", "订单明细"),
    "Shipped quantity": ("출고수량", "已发货数量"),
    "Remaining quantity": ("미출고수량", "未发货数量"),
    "An order's quote cannot change.": ("주문의 견적서는 바꿀 수 없습니다.", "订单的报价单不能更改。"),
    "A confirmed order's account cannot change.": ("확정된 주문의 거래처는 바꿀 수 없습니다.", "已确认订单的客户不能更改。"),
    "Only an accepted quote becomes a sales order.": ("신청완료된 견적서만 주문으로 만들 수 있습니다.", "只有已接受的报价单可以生成销售订单。"),
    "The order is for the quote's account.": ("주문의 거래처는 견적서의 거래처여야 합니다.", "订单客户必须是报价单的客户。"),
    "The order is confirmed; its lines cannot change.": ("확정된 주문의 품목은 바꿀 수 없습니다.", "订单已确认，明细不能更改。"),
    "This quote already has a sales order.": ("이 견적서에는 이미 판매 주문이 있습니다.", "该报价单已有销售订单。"),
    "One order per quote.": ("견적서 하나에 주문 하나입니다.", "每张报价单只能生成一个订单。"),
    "This order is already confirmed or cancelled.": ("이미 확정되었거나 취소된 주문입니다.", "该订单已确认或已取消。"),
    "Add the order's lines before confirming it.": ("확정하기 전에 주문 품목을 입력하세요.", "确认前请先添加订单明细。"),
    "Over the credit limit: the limit is %(limit)s, open orders come to %(exposure)s and this order adds %(order)s (%(after)s). A user with the credit override right can confirm it with a reason.":
        ("신용한도 초과: 한도 %(limit)s, 미결 주문 %(exposure)s, 이번 주문 %(order)s(합계 %(after)s). 신용한도 초과 승인 권한이 있는 사용자가 사유를 적어 확정할 수 있습니다.",
         "超出信用额度：额度 %(limit)s，未结订单 %(exposure)s，本订单 %(order)s（合计 %(after)s）。有超额审批权限的用户可填写原因后确认。"),
    "You do not have the right to override the credit limit.": ("신용한도 초과 승인 권한이 없습니다.", "您没有超信用额度审批权限。"),
    "Goods of this order were shipped; it cannot be cancelled.": ("출고된 주문은 취소할 수 없습니다.", "该订单已发货，不能取消。"),
    "Enter a number.": ("숫자를 입력하세요.", "请输入数字。"),
    "Only a confirmed order that is not fully shipped can ship goods.":
        ("확정되고 출고가 끝나지 않은 주문만 출고할 수 있습니다.", "只有已确认且未全部发货的订单可以发货。"),
    "Ship more than 0 and at most the remaining %(n)s.": ("0보다 크고 미출고수량 %(n)s 이하로 출고하세요.", "发货数量须大于 0 且不超过未发货数量 %(n)s。"),
    "Quotation": ("견적서", "报价单"),
    "Quote number": ("견적번호", "报价单号"),
    "Recipient": ("수신", "客户"),
    "Supplier": ("공급자", "供货方"),
    "Business registration number": ("사업자등록번호", "营业执照号"),
    "Representative": ("대표자", "法定代表人"),
    "Address": ("주소", "地址"),
    "No.": ("순번", "序号"),
    "Subtotal": ("소계", "小计"),
    "Total": ("합계", "合计"),
    "Give %(name)s as YYYY-MM-DD.": ("%(name)s은(는) YYYY-MM-DD 형식으로 주세요.", "请以 YYYY-MM-DD 格式提供 %(name)s。"),
    "The request body must be a JSON object.": ("요청 본문은 JSON 객체여야 합니다.", "请求正文必须是 JSON 对象。"),
    "Quotation %(number)s: %(title)s": ("견적서 %(number)s: %(title)s", "报价单 %(number)s：%(title)s"),
    "Please find our quotation attached.": ("견적서를 첨부하여 보내 드립니다.", "随函附上我司报价单，请查收。"),
    "The subject must be a single line.": ("제목은 한 줄이어야 합니다.", "主题必须为单行。"),
    "Single line only.": ("한 줄만 입력하세요.", "仅限单行。"),
    "The validity date cannot be before the quote date.": ("유효일자는 견적일자보다 앞설 수 없습니다.", "有效期不能早于报价日期。"),
    "This quote is awaiting approval and cannot be changed.": ("결재 대기 중인 견적서는 수정할 수 없습니다.", "报价单待审批，不能修改。"),
    "This quote is approved and read-only. Withdraw the approval to change it.":
        ("결재 완료된 견적서는 읽기 전용입니다. 수정하려면 결재를 취소하세요.", "报价单已审核，只读。如需修改请先弃审。"),
    "A new quote starts as a draft or in progress.": ("새 견적서는 작성중 또는 견적진행으로 시작합니다.", "新报价单只能以草稿或进行中开始。"),
    "A quote expires by itself when its validity date passes.": ("견적서는 유효일자가 지나면 자동으로 유효기간초과가 됩니다.", "报价单过了有效期会自动过期。"),
    "A quote cannot go from %(old)s to %(new)s.": ("견적상태를 %(old)s에서 %(new)s(으)로 바꿀 수 없습니다.", "报价单不能从%(old)s变为%(new)s。"),
    "The validity date has passed; extend it first.": ("유효일자가 지났습니다. 먼저 유효일자를 연장하세요.", "已过有效期，请先延长有效期。"),
    "This quote is awaiting approval; wait for the decision or withdraw it.":
        ("결재 대기 중입니다. 결재를 기다리거나 상신을 취소하세요.", "报价单待审批，请等待审批结果或撤回。"),
    "The quote must be approved before it is accepted.": ("신청완료하려면 먼저 결재를 받아야 합니다.", "报价单需先审核才能接受。"),
    "The opportunity has no account; choose one first.": ("영업기회에 거래처가 없습니다. 먼저 거래처를 지정하세요.", "商机没有客户，请先选择客户。"),
    "Out of range.": ("허용 범위를 벗어났습니다.", "超出范围。"),
    "Unknown field.": ("알 수 없는 항목입니다.", "未知字段。"),
    "Choose one of: %(values)s.": ("다음 중에서 고르세요: %(values)s", "请从以下选择：%(values)s。"),
    "Enter a number of days between 1 and 3650.": ("1에서 3650 사이의 일수를 입력하세요.", "请输入 1 到 3650 之间的天数。"),
    "Must be true or false.": ("true 또는 false여야 합니다.", "必须为 true 或 false。"),
    "No such role.": ("없는 직급입니다.", "角色不存在。"),
    "Saved.": ("저장했습니다.", "已保存。"),
    "The image is too large (at most %(kb)s KB).": ("이미지가 너무 큽니다(최대 %(kb)s KB).", "图片过大（最大 %(kb)s KB）。"),
    "Upload a PNG or JPEG image.": ("PNG 또는 JPEG 이미지를 올리세요.", "请上传 PNG 或 JPEG 图片。"),
    "Sales order %(number)s created.": ("판매 주문 %(number)s을(를) 만들었습니다.", "已创建销售订单 %(number)s。"),
    "Quote %(number)s created.": ("견적서 %(number)s을(를) 만들었습니다.", "已创建报价单 %(number)s。"),
    "Create quote from this opportunity": ("이 영업기회로 견적서 작성", "由此商机生成报价单"),
    "The quote copies the opportunity's line items.": ("견적서에 영업기회의 상품 내역이 복사됩니다.", "报价单会复制商机的产品明细。"),
    "Credit limit": ("신용한도", "信用额度"),
    "none": ("없음", "无"),
    "Open orders": ("미결 주문", "未结订单"),
    "Credit override reason (only when over the limit)": ("신용한도 초과 승인 사유(한도 초과 시에만)", "超额原因（仅超额时填写）"),
    "Confirm order": ("주문 확정", "确认订单"),
    "Cancel order": ("주문 취소", "取消订单"),
    "Print preview": ("인쇄 미리보기", "打印预览"),
    "Submit for approval": ("결재 상신", "提交审批"),
    "Approve": ("승인", "审核通过"),
    "Reason": ("사유", "原因"),
    "Reject": ("반려", "驳回"),
    "Withdraw approval": ("결재 취소", "弃审"),
    "Create sales order": ("바로 주문처리", "生成销售订单"),
    "Item": ("품목", "产品"),
    "Free text": ("설명", "说明"),
    "Add line": ("행 추가", "添加行"),
    "Earlier prices for this customer": ("이 고객의 이전 단가", "该客户的历史价格"),
    "No earlier prices for this customer.": ("이 고객에게 견적·주문한 이력이 없습니다.", "该客户没有历史价格。"),
    "Send by email": ("이메일로 보내기", "通过邮件发送"),
    "To": ("받는 사람", "收件人"),
    "Message": ("내용", "内容"),
    "Send with PDF": ("PDF 첨부하여 보내기", "附 PDF 发送"),
    "Sent": ("발송됨", "已发送"),
    "Queued": ("대기 중", "排队中"),
    "Print": ("인쇄", "打印"),
    "to whom it may concern": ("귀하", "台鉴"),
    "Company name": ("상호", "公司名称"),
    "Seal": ("직인", "公章"),
    "Phone": ("전화", "电话"),
    "Fax": ("팩스", "传真"),
    "Email": ("이메일", "电子邮件"),
    "Bank account": ("입금계좌", "收款账户"),
    "We are pleased to submit our quotation as follows.": ("아래와 같이 견적합니다.", "兹报价如下。"),
    "VAT included": ("부가세 포함", "含税"),
    "Quotation details": ("견적 내역", "报价明细"),
    "Quote to order conversion": ("견적 → 주문 전환율", "报价转订单率"),
    "Conversion": ("전환율", "转化率"),
    "Month": ("월", "月份"),
    "Quotes per customer": ("고객별 견적", "按客户统计报价"),
    "Accepted": ("신청완료", "已接受"),
    "Company details (supplier block)": ("회사 정보(공급자란)", "公司信息（供货方栏）"),
    "Seal or logo image (PNG/JPEG)": ("직인 또는 로고 이미지(PNG/JPEG)", "公章或徽标图片（PNG/JPEG）"),
    "Remove the image": ("이미지 삭제", "删除图片"),
    "VAT and approval": ("부가세와 결재", "税率与审批"),
    "Per line": ("행별", "按行"),
    "Per document": ("문서별", "按单据"),
    "Validity (days)": ("유효기간(일)", "有效期（天）"),
    "Quotes must be approved before they are accepted": ("신청완료 전에 결재 필요", "报价单接受前须审核"),
    "Approval amount": ("결재 기준 금액", "审批金额"),
    "Above it, approved by this role or higher": ("초과 시 결재 직급(이상)", "超过时由此角色或更高审批"),
    "Save": ("저장", "保存"),
    "Search": ("조회", "查询"),
    "All": ("전체", "全部"),
    "Owner": ("담당자", "负责人"),
    "No quotes.": ("견적서가 없습니다.", "没有报价单。"),
    "No quotes await your approval.": ("결재할 견적서가 없습니다.", "没有待您审批的报价单。"),
}


def write_catalogues() -> list[str]:
    """Extract the plugin's messages and write the three catalogues; returns the untranslated msgids."""
    import subprocess
    import sys
    from pathlib import Path

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    root = Path(__file__).resolve().parents[3]
    folder = root / "plugins" / "quotes" / "translations"
    pot = folder / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(root / "core" / "translations" / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
                    "--ignore-dirs=tests", "--ignore-dirs=translations", "--no-location", "-o", str(pot),
                    str(root / "plugins" / "quotes")], check=True, capture_output=True)
    with pot.open("rb") as f:
        template = read_po(f)
    missing = []
    for lang, index in (("ko", 0), ("zh_Hans", 1), ("en", None)):
        catalog = Catalog(locale=lang, project="plugcrm quotes")
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
