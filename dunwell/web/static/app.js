// dunwell workbench keyboard layer: works without it, faster with it.
// j/k move between rows (Enter opens the focused link), a accepts the first (or current) candidate,
// x ticks the current row, r rejects it, p parks (focuses the note), u goes back to the list,
// / searches, ? shows every shortcut.
(function () {
  "use strict";
  var rows = [];
  var current = -1;

  function typing(target) {
    var tag = target && target.tagName;
    if (tag === "INPUT") { return target.type !== "checkbox" && target.type !== "radio"; }
    return tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function select(index) {
    if (!rows.length) { return; }
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (current >= 0 && rows[current]) { rows[current].classList.remove("current"); }
    current = index;
    var row = rows[current];
    row.classList.add("current");
    var focusable = row.querySelector("a.open, input[type=checkbox], a, button");
    if (focusable) { focusable.focus({ preventScroll: true }); }
    row.scrollIntoView({ block: "nearest" });
  }

  function submit(form) {
    if (!form) { return; }
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    form.submit();
  }

  function currentRow() { return current >= 0 ? rows[current] : null; }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var row = currentRow();
    switch (event.key) {
      case "j": select(current + 1); break;
      case "k": select(current - 1); break;
      case "a": {
        var form = (row && row.querySelector("form[data-accept]")) || document.querySelector("form[data-accept]");
        if (!form) { return; }
        submit(form);
        break;
      }
      case "x": {
        var box = row && row.querySelector("input[type=checkbox]");
        if (!box) { return; }
        box.checked = !box.checked;
        break;
      }
      case "r": {
        var reject = row && row.querySelector("form[action='/review/reject']");
        if (!reject) { return; }
        submit(reject);
        break;
      }
      case "p": {
        var note = document.getElementById("park-note");
        if (!note) { return; }
        note.scrollIntoView({ block: "center" });
        note.focus();
        break;
      }
      case "?": {
        var help = document.getElementById("help");
        if (!help) { return; }
        if (help.open) { help.close(); } else { help.showModal(); }
        break;
      }
      case "u": window.location.href = "/review"; break;
      case "/": {
        var search = document.getElementById("q");
        if (!search) { return; }
        search.focus();
        break;
      }
      default: return;
    }
    event.preventDefault();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var table = document.querySelector("[data-keys]");
    rows = table ? Array.prototype.slice.call(table.querySelectorAll("tr[data-row]")) : [];
    rows.forEach(function (row, index) {
      row.addEventListener("click", function () {
        if (current >= 0 && rows[current]) { rows[current].classList.remove("current"); }
        current = index;
        row.classList.add("current");
      });
    });
    if (rows.length) { select(0); }
    document.addEventListener("keydown", onKey);
    Array.prototype.forEach.call(document.querySelectorAll("[data-back]"), function (link) {
      link.addEventListener("click", function (event) {
        if (window.history.length > 1) { event.preventDefault(); window.history.back(); }
      });
    });
  });
})();
