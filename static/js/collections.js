// Drag-and-drop ordering of a leeslijst's items, on top of the Omhoog/Omlaag buttons.
// Progressive enhancement only: without this file (or with the keyboard) the buttons do the
// same job, one POST per step. Here a drag ends in one POST of the whole order.
"use strict";

(function () {
  var list = document.querySelector("ol[data-reorder]");
  if (!list || !window.fetch || !("draggable" in list)) { return; }
  var status = document.querySelector("[data-reorder-status]");
  var items = function () { return Array.prototype.slice.call(list.querySelectorAll("li[data-item]")); };
  var dragged = null;
  var before = [];

  if (items().length < 2) { return; }
  var hint = document.getElementById("volgorde-uitleg");
  if (hint) { hint.appendChild(document.createTextNode(" Met de muis kunt u een artikel ook aan de greep naar een andere plek slepen.")); }

  function order() { return items().map(function (li) { return li.getAttribute("data-item"); }); }

  function say(text) { if (status) { status.textContent = text; } }

  // The first item cannot go up, the last not down: as the page renders them.
  function refreshButtons() {
    var all = items();
    all.forEach(function (li, i) {
      var up = li.querySelector('[data-move="omhoog"]');
      var down = li.querySelector('[data-move="omlaag"]');
      if (up) { up.disabled = i === 0; }
      if (down) { down.disabled = i === all.length - 1; }
    });
  }

  function restore(ids) {
    var byId = {};
    items().forEach(function (li) { byId[li.getAttribute("data-item")] = li; });
    ids.forEach(function (id) { list.appendChild(byId[id]); });
    refreshButtons();
  }

  function save(previous) {
    var body = new FormData();
    body.append("csrf_token", list.getAttribute("data-csrf"));
    order().forEach(function (id) { body.append("order", id); });
    say("Volgorde wordt opgeslagen…");
    // The server answers 303 as to any form; a redirect we do not follow means it was saved.
    fetch(list.getAttribute("data-reorder"), { method: "POST", body: body, credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (response.type === "opaqueredirect" || response.ok) {
          say("Volgorde opgeslagen.");
          return;
        }
        return response.text().then(function (text) {
          restore(previous);
          say(text && text.length < 200 ? text : "Opslaan is mislukt; de vorige volgorde staat er weer.");
        });
      })
      .catch(function () {
        restore(previous);
        say("Opslaan is mislukt; de vorige volgorde staat er weer.");
      });
  }

  items().forEach(function (li) {
    var handle = document.createElement("span");
    handle.className = "kb-drag-handle";
    handle.setAttribute("aria-hidden", "true");  // the buttons are the accessible way
    handle.title = "Slepen om te verplaatsen";
    li.insertBefore(handle, li.firstChild);
    li.classList.add("kb-collection__item--draggable");
    // Only the handle starts a drag, so text in the note field can still be selected.
    handle.addEventListener("mousedown", function () { li.draggable = true; });
    li.addEventListener("dragstart", function (event) {
      dragged = li;
      before = order();
      li.classList.add("kb-collection__item--dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", li.getAttribute("data-item"));
    });
    li.addEventListener("dragend", function () {
      li.draggable = false;
      li.classList.remove("kb-collection__item--dragging");
      dragged = null;
      refreshButtons();
      if (order().join(",") !== before.join(",")) { save(before); }
    });
  });
  document.addEventListener("mouseup", function () {
    items().forEach(function (li) { if (li !== dragged) { li.draggable = false; } });
  });

  list.addEventListener("dragover", function (event) {
    if (!dragged) { return; }
    event.preventDefault();
    var target = event.target.closest ? event.target.closest("li[data-item]") : null;
    if (!target || target === dragged) { return; }
    var box = target.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? target.nextSibling : target);
  });
  list.addEventListener("drop", function (event) { if (dragged) { event.preventDefault(); } });
}());
