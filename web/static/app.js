// Kabinet: small progressive enhancements. Every page works without this file.
// Texts come from data-* attributes the server filled from the catalog, so the
// script itself carries no language.
(function () {
  "use strict";

  // Move focus to the error summary so screen readers and keyboards start there.
  function focusErrors() {
    var s = document.getElementById("error-summary");
    if (s) { s.focus(); }
  }

  // Show-password toggles: buttons are hidden until the script can make them work.
  function passwordToggles() {
    document.querySelectorAll("[data-toggle-password]").forEach(function (btn) {
      var input = document.getElementById(btn.getAttribute("data-toggle-password"));
      if (!input) { return; }
      var text = btn.querySelector(".pw-toggle-text");
      btn.hidden = false;
      btn.addEventListener("click", function () {
        var show = input.type === "password";
        input.type = show ? "text" : "password";
        btn.setAttribute("aria-pressed", show ? "true" : "false");
        if (text) { text.textContent = btn.getAttribute(show ? "data-hide" : "data-show"); }
        input.focus();
      });
    });
  }

  // Password requirements ticked off as they are met (PWD-1). The server checks
  // again; this is only a guide while typing.
  var hasUnicode = (function () { try { new RegExp("\\p{Lu}", "u"); return true; } catch (e) { return false; } })();
  function checks(pw, min, max, specials) {
    var upper = hasUnicode ? new RegExp("\\p{Lu}", "u").test(pw) : pw.toLowerCase() !== pw;
    var lower = hasUnicode ? new RegExp("\\p{Ll}", "u").test(pw) : pw.toUpperCase() !== pw;
    var special = false;
    for (var i = 0; i < pw.length; i++) { if (specials.indexOf(pw.charAt(i)) >= 0) { special = true; break; } }
    // Characters as a person sees them, as the server counts (grapheme clusters).
    var nfc = pw.normalize ? pw.normalize("NFC") : pw;
    var n = (typeof Intl !== "undefined" && Intl.Segmenter) ? Array.from(new Intl.Segmenter().segment(nfc)).length : Array.from(nfc).length;
    return { upper: upper, lower: lower, digit: /[0-9]/.test(pw), special: special, min_length: n >= min, max_length: n <= max };
  }
  function passwordRules() {
    document.querySelectorAll("[data-password-rules]").forEach(function (box) {
      var input = document.getElementById(box.getAttribute("data-for"));
      if (!input) { return; }
      var confirm = box.getAttribute("data-confirm") ? document.getElementById(box.getAttribute("data-confirm")) : null;
      var state = (input.form || document).querySelector("[data-confirm-state]");
      var min = parseInt(box.getAttribute("data-min"), 10) || 8;
      var max = parseInt(box.getAttribute("data-max"), 10) || 128;
      var specials = box.getAttribute("data-specials") || "";
      box.classList.add("is-live");
      function update() {
        var c = checks(input.value, min, max, specials);
        box.querySelectorAll("li[data-rule]").forEach(function (li) {
          var met = input.value !== "" && li.getAttribute("data-rule").split(" ").every(function (r) { return c[r]; });
          li.classList.toggle("met", met);
          li.classList.toggle("unmet", !met);
          var s = li.querySelector(".rule-state");
          if (s) { s.textContent = " — " + box.getAttribute(met ? "data-met" : "data-unmet"); }
        });
        if (confirm && state) {
          if (confirm.value === "") { state.textContent = ""; state.className = "confirm-state"; }
          else {
            var same = confirm.value.normalize ? confirm.value.normalize("NFC") === input.value.normalize("NFC") : confirm.value === input.value;
            state.textContent = state.getAttribute(same ? "data-match" : "data-mismatch");
            state.className = "confirm-state " + (same ? "ok" : "bad");
          }
        }
      }
      input.addEventListener("input", update);
      if (confirm) { confirm.addEventListener("input", update); }
      update();
    });
  }

  // ИНН look-up (ACC-1): when 14 digits are typed, ask the API (the ИНН goes in the
  // body, never the URL) and fill fields 103, 104, address and 297.
  function innLookup() {
    var inn = document.querySelector("input[data-lookup]");
    if (!inn || !window.fetch) { return; }
    var status = document.getElementById("lookup-status");
    var fills = document.querySelectorAll("[data-fill]");
    var last = "";
    function clear() { fills.forEach(function (f) { f.value = ""; }); }
    function say(text, bad) {
      if (!status) { return; }
      status.textContent = text;
      status.classList.toggle("is-error", !!bad);
    }
    function lookup() {
      var v = inn.value.trim();
      if (!/^[0-9]{14}$/.test(v)) {
        if (last !== "") { last = ""; clear(); say(""); }
        return;
      }
      if (v === last) { return; }
      last = v;
      fetch("/api/v1/registry/lookup", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify({ inn: v })
      }).then(function (r) {
        return r.json().then(function (body) { return { ok: r.ok, body: body }; });
      }).then(function (res) {
        if (inn.value.trim() !== v) { return; }
        if (!res.ok) {
          clear();
          say(res.body && res.body.error && res.body.error.message ? res.body.error.message : inn.getAttribute("data-lookup-error"), true);
          return;
        }
        var f = res.body, ky = document.documentElement.lang === "ky";
        var values = {
          name: f.name, address: f.address, signatory: f.signatory,
          office: f.office_code + " " + (ky && f.office_name_ky ? f.office_name_ky : f.office_name_ru)
        };
        fills.forEach(function (el) { el.value = values[el.getAttribute("data-fill")] || ""; });
        say(inn.getAttribute("data-lookup-found"), false);
      }).catch(function () {
        last = "";
        say(inn.getAttribute("data-lookup-error"), true);
      });
    }
    inn.addEventListener("input", lookup);
    // Enter in the ИНН field looks up rather than forming the application.
    inn.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();
        var b = inn.form && inn.form.querySelector("button[formaction='/apply/lookup']");
        if (b) { b.click(); }
      }
    });
  }

  // Countdowns on the back office's board (ACC-9): the server's clock, not the PC's.
  function timers() {
    var els = document.querySelectorAll(".timer[data-due]");
    if (!els.length) { return; }
    var skew = 0;
    var first = els[0].getAttribute("data-now");
    if (first) { skew = parseInt(first, 10) - Date.now(); }
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    function tick() {
      var now = Date.now() + skew;
      els.forEach(function (el) {
        var left = Math.trunc((parseInt(el.getAttribute("data-due"), 10) - now) / 1000);
        var a = Math.abs(left), text = pad(Math.floor(a / 60)) + ":" + pad(a % 60);
        if (left < 0) {
          el.textContent = el.getAttribute("data-overdue-text") + " " + text;
          el.classList.add("is-overdue");
          var row = el.closest("tr");
          if (row) { row.classList.add("overdue"); }
        } else {
          el.textContent = text;
        }
      });
    }
    tick();
    setInterval(tick, 1000);
  }

  function printButtons() {
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.hidden = false;
      b.addEventListener("click", function () { window.print(); });
    });
  }

  // A running job's page (office_job.html) reloads its report in place until the job
  // ends (without the script a <noscript> refresh does it); a change of state is told
  // to screen readers through a live region outside the part replaced.
  function jobPoll() {
    var el = document.querySelector("[data-poll]");
    if (!el || !el.id || !window.fetch || !window.DOMParser) { return; }
    var every = parseInt(el.getAttribute("data-poll"), 10) || 2000;
    var live = document.getElementById(el.id + "-live");
    function stateOf(node) { var s = node.querySelector(".job-state"); return s ? s.textContent : ""; }
    function tick() {
      fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.text();
      }).then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html").getElementById(el.id);
        if (!next) { return; }
        var before = stateOf(el);
        el.parentNode.replaceChild(document.importNode(next, true), el);
        el = document.getElementById(next.id);
        if (live && stateOf(el) !== before) { live.textContent = stateOf(el); }
        if (el.hasAttribute("data-poll")) { setTimeout(tick, every); }
      }).catch(function () { setTimeout(tick, every * 2); });
    }
    setTimeout(tick, every);
  }

  function start() {
    passwordToggles();
    passwordRules();
    innLookup();
    timers();
    printButtons();
    jobPoll();
    focusErrors();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
