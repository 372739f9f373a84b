// filing.js — the report page's enhancement (FIL-2). As the taxpayer types, the page
// sends what was typed to the server's input control (POST /api/v1/filings/compute)
// and shows the recomputed cells and the errors beside their cells. No formula lives
// here: the server computes from the form's definition. Without JavaScript the
// «Пересчитать» button does the same by a form post.
(function () {
  'use strict';
  var form = document.querySelector('form.filing-form[data-compute]');
  if (!form || !window.fetch) { return; }
  var status = document.querySelector('[data-filing-status]');
  var timer = null, seq = 0;

  function human(kind, v) {
    if (v === '' || v == null) { return ''; }
    if (kind === 'money') {
      var neg = v.charAt(0) === '-', s = neg ? v.slice(1) : v;
      var parts = s.split('.'), i = parts[0], out = '';
      while (i.length > 3) { out = '\u00a0' + i.slice(-3) + out; i = i.slice(0, -3); }
      return (neg ? '-' : '') + i + out + ',' + (parts[1] || '00');
    }
    if (kind === 'rate') { return v.replace('.', ','); }
    if (kind === 'date' && /^\d{4}-\d\d-\d\d$/.test(v)) { return v.slice(8) + '.' + v.slice(5, 7) + '.' + v.slice(0, 4); }
    return v;
  }

  function kindOf(el) {
    var m = /cell-(money|rate|integer|text|date|choice)/.exec(el.className);
    return m ? m[1] : 'text';
  }

  // input is the report as the API reads it, from the page's fields.
  function input() {
    var data = { form: form.dataset.form, period: form.dataset.period, type: '', cells: {}, tables: {}, human: true };
    var checked = form.querySelector('input[name="type"]:checked');
    if (checked) { data.type = checked.value; }
    Array.prototype.forEach.call(form.querySelectorAll('input[name^="rows."]'), function (el) {
      var rows = [], n = parseInt(el.value, 10) || 0;
      for (var i = 0; i < n; i++) { rows.push({}); }
      data.tables[el.name.slice(5)] = rows;
    });
    Array.prototype.forEach.call(form.elements, function (el) {
      var name = el.name || '', m;
      if (/^c\d+$/.test(name)) {
        data.cells[name.slice(1)] = el.value.trim();
      } else if ((m = /^t\.([a-z0-9_]+)\.(\d+)\.(\d+)$/.exec(name))) {
        var rows = data.tables[m[1]], r = parseInt(m[2], 10) - 1;
        if (rows && rows[r]) { rows[r][m[3]] = el.value.trim(); }
      }
    });
    return data;
  }

  function fieldOf(e) {
    if (e.table && e.row && e.cell) { return 't.' + e.table + '.' + e.row + '.' + e.cell; }
    if (!e.table && e.cell) { return 'c' + e.cell; }
    return '';
  }

  function show(res) {
    Object.keys(res.cells || {}).forEach(function (n) {
      var el = document.getElementById('c' + n);
      if (el && el.tagName === 'OUTPUT') { el.textContent = human(kindOf(el), res.cells[n]); }
    });
    Object.keys(res.tables || {}).forEach(function (t) {
      res.tables[t].forEach(function (row, i) {
        Object.keys(row).forEach(function (col) {
          var el = document.getElementById('t.' + t + '.' + (i + 1) + '.' + col);
          if (el && el.tagName === 'OUTPUT') {
            el.textContent = human(kindOf(el), row[col]);
          }
        });
      });
    });
    Array.prototype.forEach.call(form.querySelectorAll('[data-error-for]'), function (box) {
      box.hidden = true;
      box.textContent = '';
      var inp = document.getElementById(box.dataset.errorFor);
      if (inp && inp.tagName !== 'OUTPUT') { inp.removeAttribute('aria-invalid'); }
    });
    (res.errors || []).forEach(function (e) {
      var f = fieldOf(e), box = f && form.querySelector('[data-error-for="' + f + '"]');
      if (!box) { return; }
      var p = document.createElement('p');
      p.textContent = e.message;
      box.appendChild(p);
      box.hidden = false;
      var inp = document.getElementById(f);
      if (inp && inp.tagName !== 'OUTPUT') {
        inp.setAttribute('aria-invalid', 'true');
        inp.setAttribute('aria-describedby', f + '-error');
      }
    });
  }

  function compute() {
    var mine = ++seq;
    if (status) { status.textContent = status.dataset.computing || ''; }
    fetch(form.dataset.compute, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      body: JSON.stringify(input())
    }).then(function (r) {
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.json();
    }).then(function (res) {
      if (mine !== seq) { return; }
      show(res);
      if (status) { status.textContent = status.dataset.done || ''; }
    }).catch(function () {
      if (mine === seq && status) { status.textContent = status.dataset.failed || ''; }
    });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(compute, 400);
  }
  form.addEventListener('input', later);
  form.addEventListener('change', later);
})();
