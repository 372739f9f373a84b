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

  // describe adds id to (on) or removes it from (off) el's aria-describedby, keeping the rest.
  function describe(el, id, on) {
    var ids = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (x) { return x && x !== id; });
    if (on) { ids.push(id); }
    if (ids.length) { el.setAttribute("aria-describedby", ids.join(" ")); } else { el.removeAttribute("aria-describedby"); }
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
          var mismatch = false;
          if (confirm.value === "") { state.textContent = ""; state.className = "confirm-state"; }
          else {
            var same = confirm.value.normalize ? confirm.value.normalize("NFC") === input.value.normalize("NFC") : confirm.value === input.value;
            state.textContent = state.getAttribute(same ? "data-match" : "data-mismatch");
            state.className = "confirm-state " + (same ? "ok" : "bad");
            mismatch = !same;
          }
          // The mismatch belongs to the confirmation field: it describes that field.
          if (!state.id) { state.id = confirm.id + "-state"; }
          describe(confirm, state.id, mismatch);
          if (mismatch) { confirm.setAttribute("aria-invalid", "true"); }
          else if (!confirm.closest(".field-invalid")) { confirm.removeAttribute("aria-invalid"); }
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
    // ACC-2: an ИНН the registry refuses disables the rest of the form, with the reason
    // beside the ИНН and a note by the fields it disables; any other ИНН enables it.
    var refusals = (inn.getAttribute("data-lookup-block") || "").split(" ");
    var note = document.querySelector("[data-blocked-note]");
    var blockables = inn.form ? inn.form.querySelectorAll("[data-blockable]") : [];
    function block(on) {
      blockables.forEach(function (el) {
        el.disabled = on;
        if (el.tagName === "BUTTON" && note) { describe(el, note.id, on); }
      });
      if (note) { note.hidden = !on; }
      var def = inn.form && inn.form.querySelector(".default-submit");
      if (def) {
        // Enter looks the ИНН up again rather than submitting a form that cannot be formed.
        if (on) { def.setAttribute("formaction", "/apply/lookup"); } else { def.removeAttribute("formaction"); }
      }
    }
    function clear() { fills.forEach(function (f) { f.value = ""; }); }
    function say(text, bad) {
      if (!status) { return; }
      status.textContent = text;
      status.classList.toggle("is-error", !!bad);
    }
    function lookup() {
      var v = inn.value.trim();
      if (note && !note.hidden) { block(false); }
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
          var err = res.body && res.body.error;
          say(err && err.message ? err.message : inn.getAttribute("data-lookup-error"), true);
          if (err && refusals.indexOf(err.code) >= 0) { block(true); }
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

  // Field 106 checked as it is typed (PSP-1), as passport.Parse checks it on the server:
  // upper case, spaces and dashes dropped, Cyrillic look-alikes read as the Latin
  // letters meant, then two Latin letters and seven digits. An unusual series is
  // accepted by the server and only pointed out here. Said in a polite live region.
  var passportLookalike = { "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "N", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "І": "I", "Д": "D" };
  function passportNormalize(s) {
    var out = "";
    Array.from(s.toUpperCase()).forEach(function (c) {
      if (/[ \t\n\r\u00a0\u2007\u2009\u202f\-\u2010-\u2014\u2212]/.test(c)) { return; }
      out += passportLookalike[c] || c;
    });
    return out;
  }
  // passportState: "" (nothing yet, or a beginning that may still be right), "bad",
  // "short" (right so far, not complete), "ok" or "rare" (complete; rare series).
  function passportState(raw) {
    if (window.TextEncoder && new TextEncoder().encode(raw).length > 64) { return "bad"; }
    var n = Array.from(passportNormalize(raw));
    if (n.length === 0) { return ""; }
    for (var i = 0; i < n.length; i++) {
      if (i >= 9 || (i < 2 ? !/^[A-Z]$/.test(n[i]) : !/^[0-9]$/.test(n[i]))) { return "bad"; }
    }
    if (n.length < 9) { return "short"; }
    return ["AN", "ID", "AC", "PE"].indexOf(n[0] + n[1]) >= 0 ? "ok" : "rare";
  }
  function passportCheck() {
    document.querySelectorAll("input[data-passport-check]").forEach(function (input) {
      var out = document.getElementById(input.id + "-status");
      if (!out) { return; }
      var shown = "";
      function show(final) {
        var st = passportState(input.value);
        if (st === "short") { st = final ? "bad" : ""; }
        var n = passportNormalize(input.value), text = "";
        if (st === "bad") { text = input.getAttribute("data-passport-invalid"); }
        if (st === "ok") { text = input.getAttribute("data-passport-ok").replace("{value}", n.slice(0, 2) + " " + n.slice(2)); }
        if (st === "rare") { text = input.getAttribute("data-passport-rare").replace("{series}", n.slice(0, 2)); }
        if (text === shown) { return; }
        shown = text;
        out.textContent = text;
        out.classList.toggle("is-error", st === "bad" || st === "rare");
        if (st === "bad") { input.setAttribute("aria-invalid", "true"); }
        else if (!input.closest(".field-invalid")) { input.removeAttribute("aria-invalid"); }
      }
      input.addEventListener("input", function () { show(false); });
      input.addEventListener("blur", function () { show(true); });
    });
  }

  // Caps Lock noticed on the password fields of a form that asks for it
  // (data-caps-lock holds the warning): a password typed in capitals fails unseen.
  function capsLock() {
    document.querySelectorAll("[data-caps-lock]").forEach(function (form) {
      var text = form.getAttribute("data-caps-lock");
      form.querySelectorAll("input[type=password]").forEach(function (input) {
        var out = document.createElement("p");
        out.className = "lookup-status is-error caps-warning";
        out.id = input.id + "-caps";
        out.setAttribute("aria-live", "polite");
        var wrap = input.closest(".pw-wrap") || input;
        wrap.parentNode.insertBefore(out, wrap.nextSibling);
        var on = false;
        function set(v) {
          if (v === on) { return; }
          on = v;
          out.textContent = v ? text : "";
          describe(input, out.id, v);
        }
        function check(e) { if (e.getModifierState) { set(e.getModifierState("CapsLock")); } }
        input.addEventListener("keydown", check);
        input.addEventListener("keyup", check);
        input.addEventListener("blur", function () { set(false); });
      });
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
    passportCheck();
    capsLock();
    timers();
    printButtons();
    jobPoll();
    focusErrors();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
