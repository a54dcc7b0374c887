// Progressive enhancement only: every page works without this file.
"use strict";

// Search suggestions: a combobox on every input with data-suggest (the URL of /api/v1/suggest).
// Without JavaScript the box is a plain search field in a GET form.
(function () {
  function setup(input, index) {
    var url = input.getAttribute("data-suggest");
    var listId = "suggesties-" + index;
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var items = [];
    var active = -1;
    var timer = null;
    var latest = 0;

    list.id = listId;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggesties");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.parentNode.classList.add("suggest");
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(next) {
      var options = list.children;
      if (!options.length) { return; }
      active = (next + options.length) % options.length;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", options[active].id);
    }

    function go(item) {
      window.location.assign(item.url);
    }

    function render(suggestions) {
      items = suggestions;
      list.textContent = "";
      active = -1;
      suggestions.forEach(function (item, i) {
        var li = document.createElement("li");
        var type = document.createElement("span");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.appendChild(document.createTextNode(item.label));
        type.className = "suggest-type";
        type.textContent = item.type === "artikel" ? "artikel" : "zoekterm";
        li.appendChild(type);
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep focus in the box until we navigate
          go(item);
        });
        list.appendChild(li);
      });
      list.hidden = suggestions.length === 0;
      input.setAttribute("aria-expanded", suggestions.length ? "true" : "false");
      status.textContent = suggestions.length ? suggestions.length + " suggesties; gebruik de pijltjestoetsen." : "";
    }

    function fetchSuggestions() {
      var value = input.value.trim();
      if (value.length < 2) { close(); return; }
      var ticket = ++latest;
      fetch(url + "?q=" + encodeURIComponent(value), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) { if (ticket === latest) { render(data.suggestions || []); } })
        .catch(function () { close(); });  // suggestions are a nicety; the form still works
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); go(items[active]); }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
  }

  document.querySelectorAll("input[data-suggest]").forEach(setup);
})();

// The "Filters" link above the search results jumps to the filters' disclosure below them;
// with JavaScript it also opens it (without, the reader opens it with one more tap).
(function () {
  document.querySelectorAll('a[href="#filters"]').forEach(function (link) {
    link.addEventListener("click", function () {
      var filters = document.getElementById("filters");
      if (filters && filters.tagName === "DETAILS") { filters.open = true; }
    });
  });
})();

// Search results: without script a result link is a signed redirect that counts the click.
// With script, link straight to the article and report the click by beacon instead.
document.addEventListener("DOMContentLoaded", () => {
  if (!navigator.sendBeacon) return;
  for (const link of document.querySelectorAll("a[data-kb-direct][data-kb-click]")) {
    const token = link.dataset.kbClick;
    link.href = link.dataset.kbDirect;
    link.addEventListener("click", () => {
      const data = new FormData();
      data.append("t", token);
      navigator.sendBeacon("/zoeken/klik", data);
    });
  }
});

// "Print of bewaar als PDF": the button is in the page but hidden; it appears only where
// script runs (without script the browser's own print command does the same).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-kb-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
