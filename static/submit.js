// "Lijkt op" while typing a title on the submission form. Progressive enhancement only: without
// JavaScript the same list appears on the preview. Results are built with textContent, never
// innerHTML, so nothing from the server is ever parsed as HTML.
"use strict";

(function () {
  var form = document.querySelector("form[data-similar]");
  var title = form && form.querySelector("#title");
  if (!title || !window.fetch) { return; }
  var box = document.createElement("div");
  var timer = null;
  var latest = 0;

  box.className = "similar similar-live";
  box.setAttribute("aria-live", "polite");
  box.hidden = true;
  title.parentNode.appendChild(box);

  function show(results) {
    while (box.firstChild) { box.removeChild(box.firstChild); }
    if (!results.length) { box.hidden = true; return; }
    var intro = document.createElement("p");
    var list = document.createElement("ul");
    intro.textContent = "Lijkt op (staat al in de kennisbank):";
    results.forEach(function (item) {
      var entry = document.createElement("li");
      var link = document.createElement("a");
      link.href = item.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = item.title;
      entry.appendChild(link);
      entry.appendChild(document.createTextNode(" (" + item.kind + ")"));
      list.appendChild(entry);
    });
    box.appendChild(intro);
    box.appendChild(list);
    box.hidden = false;
  }

  function lookup() {
    var text = title.value.trim();
    var mine = ++latest;
    if (text.length < 5) { show([]); return; }
    fetch(form.getAttribute("data-similar") + "?titel=" + encodeURIComponent(text), {
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (mine === latest) { show(data.results || []); } })
      .catch(function () { /* a hint only: the form works without it */ });
  }

  title.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, 400);
  });
}());

// Refuse a too-large attachment (or too many bytes together) before the upload starts, so the
// form is never sent only to have the file refused. The server checks again; this is only a
// shortcut. data-max-total-bytes is what is left after the files already held for this form.
(function () {
  var inputs = document.querySelectorAll("input[type=file][data-max-bytes]");
  function readable(bytes) {
    return bytes >= 1048576 ? Math.floor(bytes / 1048576) + " MB" : Math.ceil(bytes / 1024) + " kB";
  }
  Array.prototype.forEach.call(inputs, function (input) {
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    var total = parseInt(input.getAttribute("data-max-total-bytes") || "0", 10);
    var note = document.createElement("p");
    note.className = "field-error";
    note.setAttribute("role", "alert");
    note.hidden = true;
    input.parentNode.insertBefore(note, input);
    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files);
      var tooBig = files.filter(function (file) { return file.size > limit; });
      var sum = files.reduce(function (acc, file) { return acc + file.size; }, 0);
      var message = "";
      if (tooBig.length) {
        message = tooBig.map(function (file) { return file.name; }).join(", ") +
          ": groter dan " + readable(limit) + ". Kies een kleiner bestand.";
      } else if (total && sum > total) {
        message = "Deze bijlagen zijn samen " + readable(sum) + "; er kan nog " + readable(total) +
          " bij. Kies minder of kleinere bestanden.";
      }
      note.hidden = !message;
      note.textContent = message;
      if (message) { input.value = ""; }
    });
  });
}());

// After a send with errors, move focus to the summary at the top: on a long form the messages
// would otherwise be out of sight (and unannounced) for keyboard and screen-reader users.
(function () {
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
}());
