/** The demo page's markup: every figure is filled in by demo.js from the API. */
export const DEMO_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ledgerline demo</title>
<link rel="stylesheet" href="/demo/demo.css">
<script src="/demo/demo.js" defer></script>
</head>
<body>
<header>
  <h1>Ledgerline <span class="muted">household dashboard</span></h1>
  <form id="connect" class="row">
    <label>API key <input id="key" name="key" type="password" autocomplete="off" required></label>
    <label>Month <input id="month" name="month" type="month" required></label>
    <button type="submit">Show</button>
  </form>
  <p class="muted">Live: <span id="live-state">not connected</span> · version <span id="version">–</span></p>
  <p id="status" role="status" aria-live="polite"></p>
</header>
<main>
  <section aria-labelledby="summary-h" class="card wide">
    <h2 id="summary-h">Summary</h2>
    <dl class="figures" aria-live="polite">
      <div><dt>Total spent</dt><dd id="total">–</dd></div>
      <div><dt>Fixed</dt><dd id="fixed">–</dd></div>
      <div><dt>Variable</dt><dd id="variable">–</dd></div>
      <div><dt>Fixed planned</dt><dd id="planned">–</dd></div>
      <div><dt>Provisions</dt><dd id="provisions-total">–</dd></div>
      <div><dt>Transactions</dt><dd id="count">–</dd></div>
    </dl>
    <div class="scroll"><table>
      <caption>Members</caption>
      <thead><tr><th scope="col">Member</th><th scope="col">Share</th><th scope="col">Contribution</th><th scope="col">Paid</th><th scope="col">To transfer</th></tr></thead>
      <tbody id="members"></tbody>
    </table></div>
  </section>
  <section aria-labelledby="prov-h" class="card">
    <h2 id="prov-h">Provisions</h2>
    <ul id="provisions" class="bars"></ul>
  </section>
  <section aria-labelledby="breakdown-h" class="card wide">
    <h2 id="breakdown-h">By category</h2>
    <p class="muted">Select a bar (or focus it and press Enter) to drill down.</p>
    <div id="breakdown"></div>
    <div id="drill" aria-live="polite"></div>
  </section>
  <section aria-labelledby="budgets-h" class="card">
    <h2 id="budgets-h">Budgets</h2>
    <ul id="budgets" class="bars"></ul>
  </section>
  <section aria-labelledby="trend-h" class="card wide">
    <h2 id="trend-h">Twelve months</h2>
    <div id="trend"></div>
  </section>
  <section aria-labelledby="add-h" class="card">
    <h2 id="add-h">Add a transaction</h2>
    <form id="add" class="grid">
      <label>Date <input name="date" type="date" required></label>
      <label>Amount <input name="amount" inputmode="decimal" pattern="-?[0-9]+(\\.[0-9]{1,2})?" placeholder="12.50" required></label>
      <label>Category <input name="category" list="categories" required></label>
      <label>Subcategory <input name="subcategory"></label>
      <label>Label <input name="label"></label>
      <label>Type <select name="expenseType"><option>VARIABLE</option><option>FIXED</option></select></label>
      <label>Paid by <select name="member" id="member-select"><option value="">(nobody)</option></select></label>
      <button type="submit">Add</button>
    </form>
    <datalist id="categories"></datalist>
  </section>
</main>
</body>
</html>
`;

export const DEMO_CSS = `:root { --fg: #1d2330; --muted: #5b6475; --bg: #f6f7fb; --card: #fff; --accent: #2f6fdb; --fixed: #7a4bd1; --ok: #1f8a4c; --warn: #b7791f; --over: #c53030; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header, main { max-width: 1100px; margin: 0 auto; padding: 0.75rem 1rem; }
main { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); }
h1 { font-size: 1.4rem; margin: 0.25rem 0; } h2 { font-size: 1.1rem; margin: 0 0 0.5rem; }
.muted { color: var(--muted); font-weight: normal; }
.card { background: var(--card); border-radius: 10px; padding: 1rem; box-shadow: 0 1px 3px rgba(0,0,0,.08); min-width: 0; }
.row { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: end; }
.grid { display: grid; gap: 0.5rem; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); align-items: end; }
label { display: flex; flex-direction: column; font-size: 0.85rem; color: var(--muted); gap: 0.15rem; }
input, select, button { font: inherit; padding: 0.4rem 0.5rem; border: 1px solid #c5cad6; border-radius: 6px; min-height: 2.4rem; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
:focus-visible { outline: 3px solid #f0b429; outline-offset: 2px; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 0.5rem; margin: 0 0 1rem; }
.figures div { background: var(--bg); border-radius: 8px; padding: 0.5rem; }
dt { font-size: 0.8rem; color: var(--muted); } dd { margin: 0; font-size: 1.25rem; font-variant-numeric: tabular-nums; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.25rem; }
th, td { text-align: right; padding: 0.3rem; border-bottom: 1px solid #e3e6ee; } th:first-child, td:first-child { text-align: left; }
svg { width: 100%; height: auto; display: block; }
svg .bar { fill: var(--accent); } svg .bar.fixed { fill: var(--fixed); }
svg g[role=button] { cursor: pointer; } svg g[role=button]:focus .bar, svg g[role=button]:hover .bar { fill: #f0b429; }
svg text { font-size: 13px; fill: var(--fg); } svg .axis { fill: var(--muted); font-size: 11px; }
.bars { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.6rem; }
.bars progress { width: 100%; height: 0.8rem; }
.state-ok { color: var(--ok); } .state-warning { color: var(--warn); } .state-over { color: var(--over); font-weight: 600; }
.flash { animation: flash 1.2s ease-out; }
@keyframes flash { from { background: #fff3bf; } to { background: transparent; } }
#status:empty { display: none; }
.scroll { overflow-x: auto; } .scroll td { white-space: nowrap; }
@media (min-width: 760px) { main { grid-template-columns: 2fr 1fr; } .wide { grid-column: 1; } .card:not(.wide) { grid-column: 2; } }
@media (max-width: 480px) { body { font-size: 15px; } th, td { padding: 0.2rem; font-size: 0.85rem; } }
@media (prefers-reduced-motion: reduce) { .flash { animation: none; } }
`;
