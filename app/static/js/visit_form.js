// The visit form (app/visits/templates/visits/form.html), served by the app: no inline script, CSP unchanged.
// - "＋ 添加问题" adds an empty problem row in the page, so chosen photos stay chosen. (Without this script
//   the same button submits the form and the server adds the row.) Typing a title into the last row also
//   adds the next one.
// - A draft of everything typed is kept in this browser (localStorage, per user and company) and restored
//   when the form is opened again; it is cleared once the visit is saved.
// - Saving goes through fetch: if the network drops, nothing typed is lost and the page says so.
// - After a refused save, the first field with an error is scrolled to and focused.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) { return; }
  var button = form.querySelector("[data-add-problem]");
  var container = document.getElementById("problem-rows");
  var status = document.getElementById("draft-status");
  var MAX_ROWS = 20;
  var key = form.getAttribute("data-draft-key");

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  // ---------------------------------------------------------------- problem rows
  function addRow() {
    var rows = container.querySelectorAll("[data-problem-row]");
    if (!rows.length) { return null; }
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
    row.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    row.querySelectorAll(".invalid-feedback").forEach(function (el) { el.remove(); });
    row.querySelectorAll("[autofocus]").forEach(function (el) { el.removeAttribute("autofocus"); });
    var number = row.querySelector("[data-problem-number]");
    if (number) { number.textContent = number.textContent.replace(/\d+/, String(index + 1)); }
    container.appendChild(row);
    if (button && index + 1 >= MAX_ROWS) { button.hidden = true; }
    return row;
  }

  if (button && container) {
    button.addEventListener("click", function (event) {
      if (!container.querySelector("[data-problem-row]")) { return; }  // nothing to copy: the server adds it
      event.preventDefault();
      var row = addRow();
      var first = row && row.querySelector("input[type=text]");
      if (first) { first.focus(); }
    });
  }

  // Typing into the last problem's title opens the next empty row, so a second problem costs no extra tap
  // (empty rows are ignored on save).
  if (container) {
    container.addEventListener("input", function (event) {
      var rows = container.querySelectorAll("[data-problem-row]");
      var last = rows[rows.length - 1];
      if (!last || !last.contains(event.target) || !/-title$/.test(event.target.name || "")) { return; }
      if (event.target.value.trim() && rows.length < MAX_ROWS) { addRow(); }
    });
  }

  // ---------------------------------------------------------------- messages
  function say(kind, tone, withDiscard) {
    if (!status) { return; }
    status.classList.remove("d-none", "alert-info", "alert-warning", "alert-danger");
    status.classList.add(tone);
    status.setAttribute("role", tone === "alert-info" ? "status" : "alert");
    status.querySelector("[data-draft-message]").textContent = status.getAttribute("data-" + kind);
    var discard = status.querySelector("[data-draft-discard]");
    if (discard) { discard.classList.toggle("d-none", !withDiscard); }
    if (tone !== "alert-info") { status.scrollIntoView({block: "center", behavior: "instant"}); }
  }

  // ---------------------------------------------------------------- the draft
  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrf_token" && el.type !== "file" && el.type !== "submit" &&
        el.type !== "button" && el.type !== "hidden";
    });
  }

  function collect() {
    var values = {};
    var typed = false;
    fields().forEach(function (el) {
      if (el.type === "radio") {
        if (el.checked) { values[el.name] = el.value; }
      } else if (el.type === "checkbox") {
        values[el.name] = el.checked;
      } else {
        values[el.name] = el.value;
        if (el.value && el.type !== "date" && el.tagName !== "SELECT") { typed = true; }
      }
    });
    return typed ? values : null;
  }

  var saved = false;  // once the server has the visit, nothing may write the draft again (a late input timer)

  function saveDraft() {
    var store = storage();
    if (!store || !key || saved) { return; }
    var values = collect();
    try {
      if (values) { store.setItem(key, JSON.stringify({saved_at: Date.now(), values: values})); }
      else { store.removeItem(key); }
    } catch (e) { /* storage full or refused: the form still works */ }
  }

  function clearDraft() {
    var store = storage();
    if (store && key) { try { store.removeItem(key); } catch (e) { /* ignore */ } }
  }

  function restoreDraft() {
    var store = storage();
    if (!store || !key) { return false; }
    var draft;
    try { draft = JSON.parse(store.getItem(key) || "null"); } catch (e) { draft = null; }
    if (!draft || !draft.values) { return false; }
    var values = draft.values;
    var rowsNeeded = 0;
    Object.keys(values).forEach(function (name) {
      var match = /^problems-(\d+)-/.exec(name);
      if (match) { rowsNeeded = Math.max(rowsNeeded, Number(match[1]) + 1); }
    });
    while (container && container.querySelectorAll("[data-problem-row]").length < Math.min(rowsNeeded, MAX_ROWS)) {
      if (!addRow()) { break; }
    }
    fields().forEach(function (el) {
      if (!(el.name in values)) { return; }
      var value = values[el.name];
      if (el.type === "radio") { el.checked = el.value === value; }
      else if (el.type === "checkbox") { el.checked = value === true; }
      else { el.value = value; }
    });
    var more = form.querySelector("details.more-fields");
    if (more && ["participants", "company_status", "next_step"].some(function (n) { return values[n]; })) {
      more.open = true;
    }
    return true;
  }

  if (form.getAttribute("data-fresh") === "1") {
    if (restoreDraft()) { say("restored", "alert-info", true); }
  } else {
    saveDraft();  // a refused save shows what was typed: keep it as the draft too
  }
  var timer = null;
  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(saveDraft, 300);
  });
  form.addEventListener("change", saveDraft);
  if (status) {
    var discard = status.querySelector("[data-draft-discard]");
    if (discard) {
      discard.addEventListener("click", function () {
        clearDraft();
        window.location.reload();
      });
    }
  }

  // ---------------------------------------------------------------- saving
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.hasAttribute("data-add-problem")) { return; }
    if (!window.fetch || !window.FormData) { return; }  // an old browser posts the form as usual
    event.preventDefault();
    saveDraft();
    if (navigator.onLine === false) { say("offline", "alert-warning", false); return; }
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    var buttons = form.querySelectorAll("[type=submit]");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.action || window.location.href, {
      method: "POST", body: data, credentials: "same-origin", headers: {"X-Visit-Form": "fetch"}
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && type.indexOf("application/json") === 0) {
        return response.json().then(function (body) {
          saved = true;
          window.clearTimeout(timer);
          clearDraft();
          window.location.assign(body.redirect);
        });
      }
      if (type.indexOf("text/html") === 0) {
        // A refused save: the server's page with the messages next to the fields (and this script again).
        return response.text().then(function (html) {
          document.open();
          document.write(html);
          document.close();
        });
      }
      throw new Error("unexpected response " + response.status);
    }).catch(function () {
      buttons.forEach(function (b) { b.disabled = false; });
      say(navigator.onLine === false ? "offline" : "failed", "alert-warning", false);
    });
  });

  // ---------------------------------------------------------------- after a refused save
  var bad = form.querySelector(".is-invalid");
  if (bad) {
    var details = bad.closest("details");
    if (details) { details.open = true; }
    var target = bad.matches("input, select, textarea") ? bad : bad.querySelector("input, select, textarea");
    bad.scrollIntoView({block: "center", behavior: "instant"});
    if (target) { target.focus({preventScroll: true}); }
  }
})();
