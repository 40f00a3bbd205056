// The problem list's bulk bar (managers): "select all on this page" ticks every problem's box; the
// level and tag inputs show only for the action that uses them. Served by the app (no inline script, CSP).
(function () {
  "use strict";
  var all = document.getElementById("bulk-all");
  var picks = function () { return document.querySelectorAll("input.bulk-pick"); };
  if (all) {
    all.addEventListener("change", function () {
      picks().forEach(function (box) { box.checked = all.checked; });
    });
  }
  var op = document.querySelector("#bulk-form select[name='op']");
  var show = function () {
    if (!op) { return; }
    ["level", "tag"].forEach(function (name) {
      var used = (name === "level" && op.value === "supervise") || (name === "tag" && op.value === "tag");
      document.querySelectorAll("#bulk-form [name='" + name + "'], #bulk-form label[for='bulk-" + name + "']")
        .forEach(function (el) { el.hidden = !used; });
    });
  };
  if (op) { op.addEventListener("change", show); show(); }
}());
