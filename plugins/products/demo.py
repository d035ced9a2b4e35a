"""Demo catalogue: a small Korean IT reseller's products, in a two-level category tree."""
from __future__ import annotations

from decimal import Decimal

CATALOGUE = {
    "하드웨어": {
        "서버": [("랙서버", "PowerEdge R760", "HW-SV-001", "18500000", "14200000"),
                ("타워서버", "PowerEdge T560", "HW-SV-002", "9800000", "7600000")],
        "네트워크": [("L3 스위치", "Catalyst 9300", "HW-NW-001", "6400000", "4900000"),
                  ("무선 AP", "Aruba 515", "HW-NW-002", "780000", "560000")],
    },
    "소프트웨어": {
        "그룹웨어": [("그룹웨어 라이선스", "GW Cloud 50", "SW-GW-001", "3000000", "1200000")],
        "보안": [("백신 라이선스", "V3 Endpoint", "SW-SC-001", "45000", "21000"),
               ("방화벽 구독", "NGFW 1Y", "SW-SC-002", "2400000", "1500000")],
    },
    "서비스": {
        "유지보수": [("유지보수 (월)", "MA-STD", "SV-MA-001", "500000", "250000")],
        "구축": [("구축 컨설팅", "PS-DAY", "SV-PS-001", "900000", "550000")],
    },
}


def fill(demo) -> None:
    wholesale = demo.create("price_lists", {"name": "도매가", "description": "대리점 공급가"})
    vip = demo.create("price_lists", {"name": "VIP", "description": "VIP 고객 특별가"})
    for top, subs in CATALOGUE.items():
        top_id = demo.create("product_categories", {"name": top})["id"]
        for sub, items in subs.items():
            sub_id = demo.create("product_categories", {"name": sub, "parent_id": top_id})["id"]
            for name, model, code, price, cost in items:
                product = demo.create("products", {"name": name, "model": model, "code": code,
                                                   "category_id": sub_id, "list_price": price, "cost": cost,
                                                   "unit": "month" if "(월)" in name else "ea"})
                for price_list, factor in ((wholesale, Decimal("0.85")), (vip, Decimal("0.92"))):
                    demo.create("product_prices", {"product_id": product["id"], "price_list_id": price_list["id"],
                                                   "price": str((Decimal(price) * factor).quantize(Decimal(1)))})
    server = demo.create("products", {"name": "구형 서버", "model": "PowerEdge R740", "code": "HW-SV-OLD",
                                      "list_price": "12000000", "cost": "9000000", "discontinued": True})
    demo.create("product_options", {"product_id": server["id"], "name": "3년 온사이트 보증", "extra_price": "900000"})
