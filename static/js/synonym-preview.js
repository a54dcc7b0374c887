// Live preview of a synonym group while the editor types: asks the JSON preview endpoint
// (the same expansion code the search runs) and redraws the preview table. Without this
// script the "Voorbeeld" button renders the same table on the server.
(function () {
  "use strict";

  function render(target, rows) {
    target.textContent = "";
    if (!rows.length) {
      var hint = document.createElement("p");
      hint.className = "utrecht-paragraph";
      hint.textContent = "Vul termen in om te zien waar een zoekvraag dan ook op zoekt.";
      target.appendChild(hint);
      return;
    }
    var list = document.createElement("ul");
    list.className = "utrecht-unordered-list kb-synonym-preview";
    rows.forEach(function (row) {
      var item = document.createElement("li");
      item.className = "utrecht-unordered-list__item";
      var query = document.createElement("strong");
      query.textContent = row.query;
      var before = document.createElement("span");
      before.className = "kb-meta";
      before.textContent = "(Tot nu toe: " + (row.now.join(", ") || "alleen op zichzelf") + ".)";
      item.appendChild(query);
      item.appendChild(document.createTextNode(
        row.after.length ? " zoekt nu ook op: " + row.after.join(", ") + ". "
                         : " zoekt alleen op zichzelf. "));
      item.appendChild(before);
      list.appendChild(item);
    });
    target.appendChild(list);
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
