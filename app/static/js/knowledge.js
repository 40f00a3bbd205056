// 政策问答 while typing (served by the app: no inline script, CSP unchanged).
// - Portal, new problem: after a pause in typing the title or description, the page asks the server for
//   the published answers most like the text (an HTML fragment, escaped there) and shows them above the
//   rest of the form; the company may still submit.
// - Staff, reply box: choosing a 常用答复 inserts its text into the reply, to be edited before sending.
(function () {
  "use strict";
  var box = document.getElementById("knowledge-suggestions");
  if (box) {
    var url = box.getAttribute("data-suggest-url");
    var title = document.querySelector("input[name='title']");
    var description = document.querySelector("textarea[name='description']");
    var timer = null;
    var last = "";
    var ask = function () {
      var text = ((title && title.value) || "") + "。" + ((description && description.value) || "");
      if (text === last || text.replace(/[。\s]/g, "").length < 2) { return; }
      last = text;
      fetch(url + "?text=" + encodeURIComponent(text.slice(0, 2000)), {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) { if (text === last) { box.innerHTML = html; } })
        .catch(function () { /* suggestions are a help, not a step: leave the form as it is */ });
    };
    var later = function () { window.clearTimeout(timer); timer = window.setTimeout(ask, 400); };
    [title, description].forEach(function (field) { if (field) { field.addEventListener("input", later); } });
    ask();
  }
  document.querySelectorAll("select[data-reply-template]").forEach(function (select) {
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var target = select.closest("form").querySelector("textarea");
      if (!option || !option.value || !target) { return; }
      var text = option.getAttribute("data-body") || "";
      target.value = target.value ? target.value + "\n" + text : text;
      target.focus();
      select.selectedIndex = 0;
    });
  });
})();
