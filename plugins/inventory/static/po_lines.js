// The purchase-order line form: the chosen product's supplier prices (구매 발주 상세내역: 과거 공급 가격).
(function () {
  "use strict";
  var box = document.getElementById("po-price-history");
  var select = document.getElementById("po-product");
  var price = document.getElementById("po-price");
  if (!box || !select) { return; }
  function show() {
    var url = box.dataset.url + "?product_id=" + encodeURIComponent(select.value);
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}}).then(function (r) {
      return r.ok ? r.json() : {data: []};
    }).then(function (body) {
      box.textContent = "";
      var rows = body.data || [];
      rows.slice(0, 5).forEach(function (row) {
        var line = document.createElement("div");
        line.className = "price-row" + (String(row.supplier_id) === box.dataset.supplier ? " same-supplier" : "");
        line.textContent = row.order_date + " · " + row.supplier + " · " + row.unit_price;
        box.appendChild(line);
      });
      if (price && !price.value && rows.length) {
        var same = rows.filter(function (row) { return String(row.supplier_id) === box.dataset.supplier; });
        price.placeholder = (same[0] || rows[0]).unit_price;
      }
    });
  }
  select.addEventListener("change", show);
  show();
}());
