// Visit form: "再添加一个问题" adds an empty problem row in the page, so chosen photos stay chosen.
// Without this script the same button submits the form and the server adds the row.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) { return; }
  var button = form.querySelector("[data-add-problem]");
  var container = document.getElementById("problem-rows");
  if (!button || !container) { return; }
  var MAX_ROWS = 20;

  button.addEventListener("click", function (event) {
    var rows = container.querySelectorAll("[data-problem-row]");
    if (!rows.length) { return; }  // nothing to copy: let the server add the row
    event.preventDefault();
    var index = rows.length;
    var row = rows[rows.length - 1].cloneNode(true);
    var rename = function (value) { return value.replace(/problems-\d+-/, "problems-" + index + "-"); };
    row.querySelectorAll("[name], [id], label[for]").forEach(function (el) {
      if (el.name) { el.name = rename(el.name); }
      if (el.id) { el.id = rename(el.id); }
      if (el.htmlFor) { el.htmlFor = rename(el.htmlFor); }
    });
    row.querySelectorAll("input[type=text], textarea").forEach(function (el) { el.value = ""; });
    row.querySelectorAll("input[type=checkbox]").forEach(function (el) { el.checked = false; });
    row.querySelectorAll("select").forEach(function (el) { el.selectedIndex = 0; });
    row.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); });
    row.querySelectorAll(".invalid-feedback").forEach(function (el) { el.remove(); });
    var number = row.querySelector("[data-problem-number]");
    if (number) { number.textContent = number.textContent.replace(/\d+/, String(index + 1)); }
    container.appendChild(row);
    var first = row.querySelector("input[type=text]");
    if (first) { first.focus(); }
    if (index + 1 >= MAX_ROWS) { button.hidden = true; }
  });
})();
