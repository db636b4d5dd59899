// Conduct suggestions for the case form: as the officer types a conduct description, ask the
// service's search (GET /web/suggest) and offer the items; choosing one fills the item id.
// Works without this script too (the 检索条目 button posts the form).
(function () {
  "use strict";
  var conduct = document.getElementById("f-conduct");
  var itemId = document.getElementById("f-item_id");
  var box = document.getElementById("suggestions");
  if (!conduct || !itemId || !box) { return; }
  var timer = null;
  var last = "";
  function render(hits) {
    while (box.firstChild) { box.removeChild(box.firstChild); }
    if (!hits.length) { return; }
    var p = document.createElement("p");
    p.textContent = "可能对应的清单条目(选用后填入条目编号):";
    box.appendChild(p);
    var ul = document.createElement("ul");
    hits.forEach(function (h) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "suggestion";
      b.setAttribute("data-item", h.id);
      b.textContent = h.violation + "(" + h.outcome_zh + ";" + h.list_title + " " + h.version + ";" +
        (h.binding ? "本地有约束力" : "外地类比参考") + ")";
      b.addEventListener("click", function () {
        itemId.value = h.id;
        itemId.focus();
      });
      li.appendChild(b);
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }
  function ask() {
    var q = conduct.value.trim();
    if (q === last) { return; }
    last = q;
    if (q.length < 2) { render([]); return; }
    var params = new URLSearchParams({ q: q });
    var j = document.getElementById("f-jurisdiction");
    var d = document.getElementById("f-domain");
    if (j && j.value) { params.set("jurisdiction", j.value); }
    if (d && d.value) { params.set("domain", d.value); }
    fetch("/web/suggest?" + params.toString(), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { hits: [] }; })
      .then(function (data) { if (conduct.value.trim() === q) { render(data.hits || []); } })
      .catch(function () { /* suggestions are a help only */ });
  }
  conduct.addEventListener("input", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(ask, 300);
  });
})();
