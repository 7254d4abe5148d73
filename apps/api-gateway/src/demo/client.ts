/**
 * demo.js, served as is: plain browser JavaScript (no template literals, so it
 * can live in this string and ship in dist/ with the rest of the gateway).
 */
export const DEMO_JS = String.raw`'use strict';
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var SVG = 'http://www.w3.org/2000/svg';
  var state = { key: '', month: '', source: null, retry: 0, version: null, currency: 'EUR', trendTimer: null, drill: null, lastBreakdown: null, lastTrend: null };

  function el(tag, attrs, text) {
    var node = tag.indexOf('svg:') === 0 ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function money(amount) {
    var n = Number(amount);
    return n.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + ' ' + state.currency;
  }
  function say(text) { $('status').textContent = text; }
  function setText(id, text) {
    var node = $(id);
    if (node.textContent === text) return;
    node.textContent = text;
    node.classList.remove('flash'); void node.offsetWidth; node.classList.add('flash');
  }
  function api(method, path, body) {
    var init = { method: method, headers: { authorization: 'Bearer ' + state.key } };
    if (body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (res) {
      return res.text().then(function (text) {
        var json = text ? JSON.parse(text) : null;
        if (!res.ok) {
          var detail = json && (json.detail || json.title) || res.statusText;
          if (json && json.errors) detail += ': ' + json.errors.map(function (e) { return (e.field || e.path || '') + ' ' + e.message; }).join('; ');
          throw new Error(method + ' ' + path.split('?')[0] + ' → ' + res.status + ' ' + detail);
        }
        return json;
      });
    });
  }
  function shiftMonth(month, delta) {
    var i = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + delta;
    return Math.floor(i / 12) + '-' + String((i % 12) + 1).padStart(2, '0');
  }
  function q(params) {
    return Object.keys(params).filter(function (k) { return params[k] !== undefined; })
      .map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(params[k]); }).join('&');
  }

  function renderSummary(s) {
    state.currency = s.currency || state.currency;
    setText('total', money(s.expenses.total));
    setText('fixed', money(s.expenses.fixed));
    setText('variable', money(s.expenses.variable));
    setText('planned', money(s.fixedPlanned));
    setText('provisions-total', money(s.provisions.total));
    setText('count', String(s.expenses.count) + (s.expenses.excludedCount ? ' (+' + s.expenses.excludedCount + ' excluded)' : ''));
    var body = $('members');
    body.textContent = '';
    var select = $('member-select');
    s.members.forEach(function (m) {
      var row = el('tr', { 'data-member': m.id });
      row.appendChild(el('th', { scope: 'row' }, m.name));
      row.appendChild(el('td', {}, (Number(m.share) * 100).toFixed(1) + ' %'));
      row.appendChild(el('td', { 'data-field': 'contribution' }, money(m.contribution)));
      row.appendChild(el('td', { 'data-field': 'paid' }, money(m.paid)));
      row.appendChild(el('td', { 'data-field': 'toTransfer' }, money(m.toTransfer)));
      body.appendChild(row);
      if (!select.querySelector('option[value="' + m.id + '"]')) select.appendChild(el('option', { value: m.id }, m.name));
    });
    var list = $('budgets');
    list.textContent = '';
    if (!s.budgets || s.budgets.length === 0) list.appendChild(el('li', { class: 'muted' }, 'No budgets set.'));
    (s.budgets || []).forEach(function (b) {
      var item = el('li', { 'data-category': b.category });
      var head = el('div');
      head.appendChild(el('strong', {}, b.category + ' '));
      head.appendChild(el('span', { class: 'state-' + b.state }, money(b.spent) + ' of ' + money(b.limit) + ' (' + b.percent + ' %, ' + b.state + ')'));
      item.appendChild(head);
      item.appendChild(el('progress', { max: '100', value: String(Math.min(100, Number(b.percent))), 'aria-label': b.category + ' budget used' }));
      list.appendChild(item);
    });
  }

  function renderBreakdown(b) {
    var box = $('breakdown');
    box.textContent = '';
    var cats = b.categories.filter(function (c) { return Number(c.total) > 0; });
    if (cats.length === 0) { box.appendChild(el('p', { class: 'muted' }, 'No expenses this month.')); return; }
    var max = Math.max.apply(null, cats.map(function (c) { return Number(c.total); }));
    var rowH = 28, labelW = 110, width = Math.max(300, box.clientWidth || 520);
    state.lastBreakdown = b;
    var svg = el('svg:svg', { viewBox: '0 0 ' + width + ' ' + (cats.length * rowH + 4), role: 'group', 'aria-label': 'Spending by category, total ' + money(b.total) });
    cats.forEach(function (c, i) {
      var w = Math.max(2, Math.round((Number(c.total) / max) * (width - labelW - 105)));
      var g = el('svg:g', { role: 'button', tabindex: '0', 'data-category': c.category, 'aria-label': c.category + ': ' + money(c.total) + ', ' + c.count + ' transactions. Show subcategories.' });
      g.appendChild(el('svg:text', { x: '0', y: String(i * rowH + 19) }, c.category));
      g.appendChild(el('svg:rect', { class: 'bar', x: String(labelW), y: String(i * rowH + 5), width: String(w), height: '20', rx: '3' }));
      g.appendChild(el('svg:text', { x: String(labelW + w + 6), y: String(i * rowH + 19), 'data-total': c.category }, money(c.total)));
      var open = function () { drill(c.category); };
      g.addEventListener('click', open);
      g.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); } });
      svg.appendChild(g);
    });
    box.appendChild(svg);
    var names = $('categories');
    names.textContent = '';
    cats.forEach(function (c) { names.appendChild(el('option', { value: c.category })); });
  }

  function drill(category, subcategory) {
    state.drill = { category: category, subcategory: subcategory };
    var box = $('drill');
    var path = '/v1/dashboard/drill-down/' + encodeURIComponent(category) + '?' +
      q({ month: state.month, level: subcategory === undefined ? 'subcategories' : 'transactions', subcategory: subcategory, limit: subcategory === undefined ? undefined : 100 });
    return api('GET', path).then(function (d) {
      box.textContent = '';
      var title = el('h3', {}, category + (subcategory !== undefined ? ' › ' + (subcategory || '(none)') : ''));
      box.appendChild(title);
      var table = el('table');
      var body = el('tbody');
      if (d.level === 'subcategories') {
        table.appendChild(el('caption', {}, 'Subcategories of ' + category + ' (' + money(d.total) + ')'));
        d.subcategories.forEach(function (s) {
          var row = el('tr');
          var cell = el('td');
          var button = el('button', { type: 'button' }, s.subcategory || '(none)');
          button.addEventListener('click', function () { drill(category, s.subcategory); });
          cell.appendChild(button);
          row.appendChild(cell);
          row.appendChild(el('td', {}, s.count + ' rows'));
          row.appendChild(el('td', {}, money(s.total)));
          body.appendChild(row);
        });
      } else {
        table.appendChild(el('caption', {}, 'Transactions'));
        d.items.forEach(function (t) {
          var row = el('tr');
          row.appendChild(el('td', {}, t.date + ' ' + (t.label || '')));
          row.appendChild(el('td', {}, t.member || ''));
          row.appendChild(el('td', {}, money(t.amount)));
          body.appendChild(row);
        });
        var back = el('button', { type: 'button' }, 'Back to subcategories');
        back.addEventListener('click', function () { drill(category); });
        box.appendChild(back);
      }
      table.appendChild(body);
      box.appendChild(table);
    }).catch(function (e) { say(e.message); });
  }

  function renderTrend(t) {
    var box = $('trend');
    box.textContent = '';
    var months = t.months;
    var max = Math.max.apply(null, months.map(function (m) { return Math.max(1, Number(m.total)); }));
    var width = Math.max(300, box.clientWidth || 520), height = 200, bottom = 28, colW = width / months.length;
    state.lastTrend = t;
    var svg = el('svg:svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'group', 'aria-label': 'Monthly spending, ' + t.from + ' to ' + t.to });
    months.forEach(function (m, i) {
      var fixedH = Math.round((Math.max(0, Number(m.fixed)) / max) * (height - bottom - 20));
      var varH = Math.round((Math.max(0, Number(m.variable)) / max) * (height - bottom - 20));
      var x = i * colW + 4, base = height - bottom;
      var group = el('svg:g', { 'data-month': m.month, tabindex: '0', 'aria-label': m.month + ': ' + money(m.total) + ', fixed ' + money(m.fixed) + ', variable ' + money(m.variable) });
      group.appendChild(el('svg:title', {}, m.month + ': ' + money(m.total) + ' (fixed ' + money(m.fixed) + ', variable ' + money(m.variable) + ')'));
      group.appendChild(el('svg:rect', { class: 'bar fixed', x: String(x), y: String(base - fixedH), width: String(colW - 8), height: String(fixedH) }));
      group.appendChild(el('svg:rect', { class: 'bar', x: String(x), y: String(base - fixedH - varH), width: String(colW - 8), height: String(varH) }));
      group.appendChild(el('svg:text', { class: 'axis', x: String(x), y: String(height - 12) }, m.month.slice(5)));
      svg.appendChild(group);
    });
    box.appendChild(svg);
    box.appendChild(el('p', { class: 'muted' }, 'Purple: fixed, blue: variable. Hover or focus a month for figures.'));
  }

  function renderProvisions(p) {
    var list = $('provisions');
    list.textContent = '';
    if (p.provisions.length === 0) list.appendChild(el('li', { class: 'muted' }, 'No provisions.'));
    p.provisions.forEach(function (v) {
      var item = el('li', { 'data-provision': v.name });
      var head = el('div');
      head.appendChild(el('strong', {}, v.name + ' '));
      var text = money(v.monthlyAmount) + ' a month';
      if (v.target) text += ' · ' + money(v.saved) + ' of ' + money(v.target) + (v.monthsToTarget !== null ? ' · ' + v.monthsToTarget + ' months to go' : '');
      head.appendChild(el('span', {}, text));
      item.appendChild(head);
      if (v.progress !== null) item.appendChild(el('progress', { max: '100', value: String(Math.min(100, Number(v.progress))), 'aria-label': v.name + ' progress' }));
      list.appendChild(item);
    });
  }

  function refreshTrendsAndProvisions() {
    return Promise.all([
      api('GET', '/v1/dashboard/trends?' + q({ from: shiftMonth(state.month, -11), to: state.month })).then(renderTrend),
      api('GET', '/v1/provisions/calculate?' + q({ month: state.month })).then(renderProvisions),
    ]);
  }

  var RENDER = { summary: renderSummary, breakdown: renderBreakdown, stats: function () {} };

  function connectLive() {
    if (state.source) { state.source.close(); state.source = null; }
    var month = state.month;
    $('live-state').textContent = 'connecting…';
    return api('POST', '/v1/dashboard/live-tokens', {}).then(function (t) {
      if (month !== state.month) return;
      var source = new EventSource('/v1/dashboard/live?' + q({ month: month, views: 'summary,breakdown,stats', token: t.token }));
      state.source = source;
      var onEvent = function (e) {
        var data = JSON.parse(e.data);
        if (data.month !== state.month) return;
        (RENDER[data.view] || function () {})(data.body);
        state.version = data.version;
        setText('version', String(data.version));
        $('live-state').textContent = 'connected';
        state.retry = 0;
        if (e.type === 'update') {
          clearTimeout(state.trendTimer);
          state.trendTimer = setTimeout(function () { refreshTrendsAndProvisions().catch(function (err) { say(err.message); }); }, 300);
          if (state.drill && data.view === 'breakdown') drill(state.drill.category, state.drill.subcategory);
        }
      };
      source.addEventListener('snapshot', onEvent);
      source.addEventListener('update', onEvent);
      source.onerror = function () {
        // A stream token is single-use and short-lived: get a new one and reopen.
        source.close();
        if (state.source !== source) return;
        $('live-state').textContent = 'reconnecting…';
        state.retry = Math.min(state.retry + 1, 5);
        setTimeout(function () { if (state.source === source) connectLive().catch(function (err) { say(err.message); }); }, 500 * state.retry);
      };
    });
  }

  function show() {
    say('');
    localStorage.setItem('ledgerline.demo.key', state.key);
    var url = new URL(location.href);
    url.searchParams.set('month', state.month);
    url.searchParams.delete('key');
    history.replaceState(null, '', url);
    $('drill').textContent = '';
    state.drill = null;
    return Promise.all([
      api('GET', '/v1/dashboard/summary?' + q({ month: state.month })).then(renderSummary),
      api('GET', '/v1/dashboard/breakdown?' + q({ month: state.month })).then(renderBreakdown),
      refreshTrendsAndProvisions(),
    ]).then(connectLive).catch(function (e) { say(e.message); });
  }

  function init() {
    var params = new URLSearchParams(location.search);
    var now = new Date();
    state.key = params.get('key') || localStorage.getItem('ledgerline.demo.key') || '';
    state.month = params.get('month') || now.getFullYear() + '-' + String(now.getMonth() + 1).padStart(2, '0');
    $('key').value = state.key;
    $('month').value = state.month;
    var add = $('add');
    add.elements.date.value = state.month === now.toISOString().slice(0, 7) ? now.toISOString().slice(0, 10) : state.month + '-01';
    $('connect').addEventListener('submit', function (e) {
      e.preventDefault();
      state.key = $('key').value.trim();
      state.month = $('month').value;
      show();
    });
    add.addEventListener('submit', function (e) {
      e.preventDefault();
      var f = add.elements;
      var row = { date: f.date.value, amount: f.amount.value.trim(), category: f.category.value.trim(), expenseType: f.expenseType.value };
      if (f.subcategory.value.trim()) row.subcategory = f.subcategory.value.trim();
      if (f.label.value.trim()) row.label = f.label.value.trim();
      if (f.member.value) row.member = f.member.value;
      api('POST', '/v1/transactions', { transactions: [row] }).then(function () {
        say('Added ' + money(row.amount) + ' to ' + row.category + '; the figures update from the live stream.');
        f.amount.value = '';
        f.label.value = '';
      }).catch(function (err) { say(err.message); });
    });
    if (state.key) show(); else { say('Paste an API key to start.'); $('key').focus(); }
  }

  // The charts are drawn at the box's width so their text stays at its real size, on a phone too.
  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      if (state.lastBreakdown) renderBreakdown(state.lastBreakdown);
      if (state.lastTrend) renderTrend(state.lastTrend);
    }, 150);
  });
  document.addEventListener('DOMContentLoaded', init);
})();
`;
