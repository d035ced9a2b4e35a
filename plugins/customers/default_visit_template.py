"""The visit log template a new deployment starts with (NewZen's 방문상담일지)."""

DEFAULT_TEMPLATE_NAME = "방문상담일지"

DEFAULT_TEMPLATE = """<h1 style="text-align:center">상 담 일 지</h1>
<table class="visit-doc">
<tr><th>방문자</th><td>{{ visitor }}</td><th>방문일자</th><td>{{ visit.visit_date }} {{ visit.visit_time or '' }}</td></tr>
<tr><th>상호</th><td>{{ account.name }}</td><th>대표자</th><td>{{ account.representative }}</td></tr>
<tr><th>담당자</th><td>{{ contact.name }}</td><th>연락처</th><td>{{ contact.mobile }}</td></tr>
<tr><th>전화번호</th><td>{{ account.phone }}</td><th>팩스번호</th><td>{{ account.fax }}</td></tr>
<tr><th>주소</th><td colspan="3">{{ account.address }}</td></tr>
<tr><th>방문목적</th><td colspan="3">{{ visit.purpose }}</td></tr>
<tr><th>상담내용</th><td colspan="3" style="height:12em"></td></tr>
</table>"""
