const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every interpolated value goes through this: routes, span names and attributes come from the network. */
export const esc = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

export const page = (title: string, body: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="15">
<title>${esc(title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1f2933;background:#f7f9fb}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;background:#fff;width:100%}th,td{padding:.3rem .6rem;border-bottom:1px solid #e4e7eb;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.firing{color:#b42318;font-weight:600}.pending{color:#b54708}.resolved{color:#067647}
.charts{display:flex;flex-wrap:wrap;gap:1rem}.chart{background:#fff;padding:.5rem;border:1px solid #e4e7eb}
.chart h3{font-size:.85rem;margin:0 0 .3rem;font-weight:600;max-width:340px;overflow-wrap:anywhere}
svg text{font:11px system-ui,sans-serif;fill:#52606d}
a{color:#175cd3}
</style></head><body>${body}</body></html>`;
