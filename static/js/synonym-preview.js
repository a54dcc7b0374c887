// Live preview of a synonym group while the editor types: asks the JSON preview endpoint
// (the same expansion code the search runs) and redraws the preview table. Without this
// script the "Voorbeeld" button renders the same table on the server.
(function () {
  "use strict";

  function cell(tag, text, header) {
    var node = document.createElement(tag);
    node.className = header ? "utrecht-table__header-cell" : "utrecht-table__cell";
    if (header === "col" || header === "row") node.scope = header;
    node.textContent = text;
    return node;
  }

  function render(target, rows) {
    target.textContent = "";
    if (!rows.length) {
      var hint = document.createElement("p");
      hint.className = "utrecht-paragraph";
      hint.textContent = "Vul termen in om te zien wat een zoekvraag dan ook vindt.";
      target.appendChild(hint);
      return;
    }
    var table = document.createElement("table");
    table.className = "utrecht-table";
    var head = table.createTHead();
    head.className = "utrecht-table__header";
    var top = head.insertRow();
    top.className = "utrecht-table__row";
    ["Wie zoekt op", "Zoekt nu ook op", "Zoekt na opslaan ook op"].forEach(function (text) {
      top.appendChild(cell("th", text, "col"));
    });
    var body = table.createTBody();
    body.className = "utrecht-table__body";
    rows.forEach(function (row) {
      var line = body.insertRow();
      line.className = "utrecht-table__row";
      line.appendChild(cell("th", row.query, "row"));
      line.appendChild(cell("td", row.now.join(", ") || "—"));
      line.appendChild(cell("td", "zoekt nu ook op: " + (row.after.join(", ") || "—")));
    });
    target.appendChild(table);
  }

  function start(form) {
    var target = document.getElementById("synoniem-voorbeeld");
    var terms = form.querySelector("[name=terms]");
    var probe = form.querySelector("[name=probe]");
    if (!target || !terms || !window.fetch) return;
    var timer = null;
    var asked = 0;
    function ask() {
      var params = new URLSearchParams({ termen: terms.value, zoekvraag: probe ? probe.value : "" });
      if (form.dataset.group) params.set("groep", form.dataset.group);
      var number = ++asked;
      fetch(form.dataset.previewUrl + "?" + params.toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          // Only the answer to the latest question counts.
          if (data && number === asked) render(target, data.rows);
        })
        .catch(function () { /* the Voorbeeld button still works */ });
    }
    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 300);
    }
    terms.addEventListener("input", later);
    if (probe) probe.addEventListener("input", later);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".kb-synonym-form[data-preview-url]");
    if (form) start(form);
  });
})();
