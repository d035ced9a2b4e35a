// Quote panel: when a product is chosen for a new line, show the customer's earlier prices for it
// (GET /api/v1/quotes/price-history); clicking one fills the unit price.
(function () {
  "use strict";
  var form = document.getElementById("quote-add-line");
  if (!form) { return; }
  var product = document.getElementById("quote-line-product");
  var price = document.getElementById("quote-line-price");
  var box = document.getElementById("quote-price-history");
  product.addEventListener("change", function () {
    box.textContent = "";
    if (!product.value) { return; }
    var url = form.dataset.historyUrl + "?account_id=" + encodeURIComponent(form.dataset.account) +
      "&product_id=" + encodeURIComponent(product.value);
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : {data: []}; })
      .then(function (body) {
        if (!body.data.length) { box.textContent = box.dataset.none; return; }
        box.appendChild(document.createTextNode(box.dataset.label + ": "));
        body.data.forEach(function (row) {
          var b = document.createElement("button");
          b.type = "button";
          b.className = "link price-history-item";
          b.textContent = row.date + " " + row.number + " " + Number(row.unit_price).toLocaleString();
          b.addEventListener("click", function () { price.value = row.unit_price; });
          box.appendChild(b);
          box.appendChild(document.createTextNode(" "));
        });
      });
  });
}());
