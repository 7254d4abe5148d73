import type { Alert, AuditMiss, ConsistencyWindow, FreshnessWindow, RouteLatency } from '@ledgerline/contracts';
import type { HistoryPoint } from '../latency/latency-history';
import type { SloPoint } from '../slo/slo-history';
import type { ReceivedSpan } from '../traces/otlp-json';
import { esc, page } from './html';

const CHART_W = 340;
const CHART_H = 120;
const PAD = 28;

/** p95 (solid) and p50 (dashed) of one route over time, scaled to its own maximum. */
export function latencyChart(title: string, points: readonly HistoryPoint[]): string {
  const maxY = Math.max(1, ...points.map((p) => p.p95Ms));
  const t0 = points[0]?.atMs ?? 0;
  const span = Math.max(1, (points[points.length - 1]?.atMs ?? 0) - t0);
  const x = (at: number) => PAD + ((at - t0) / span) * (CHART_W - PAD - 4);
  const y = (v: number) => CHART_H - 16 - (v / maxY) * (CHART_H - 24);
  const line = (pick: (p: HistoryPoint) => number) => points.map((p) => `${x(p.atMs).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(' ');
  const last = points[points.length - 1];
  return `<div class="chart"><h3>${esc(title)}</h3>
<svg width="${CHART_W}" height="${CHART_H}" role="img" aria-label="p95 latency of ${esc(title)}">
<line x1="${PAD}" y1="${CHART_H - 16}" x2="${CHART_W - 4}" y2="${CHART_H - 16}" stroke="#cbd2d9"/>
<text x="2" y="12">${Math.round(maxY)} ms</text><text x="2" y="${CHART_H - 18}">0</text>
<polyline fill="none" stroke="#175cd3" stroke-width="2" points="${line((p) => p.p95Ms)}"/>
<polyline fill="none" stroke="#7cd4fd" stroke-dasharray="4 3" points="${line((p) => p.p50Ms)}"/>
<text x="${PAD}" y="${CHART_H - 2}">p95 now ${last ? Math.round(last.p95Ms) : 0} ms · p50 ${last ? Math.round(last.p50Ms) : 0} ms · ${points.length} samples</text>
</svg></div>`;
}

/** Lines over time on one chart, each scaled to the chart's maximum (or a fixed [min, max] for ratios). */
export function seriesChart(
  title: string,
  atMs: readonly number[],
  lines: readonly { label: string; values: readonly (number | null)[]; dashed?: boolean }[],
  axis: { unit: string; min?: number; max?: number; caption: string },
): string {
  const all = lines.flatMap((l) => l.values.filter((v): v is number => v !== null));
  const maxY = axis.max ?? Math.max(1, ...all);
  const minY = axis.min ?? 0;
  const t0 = atMs[0] ?? 0;
  const span = Math.max(1, (atMs[atMs.length - 1] ?? 0) - t0);
  const x = (at: number) => PAD + ((at - t0) / span) * (CHART_W - PAD - 4);
  const y = (v: number) => CHART_H - 16 - ((v - minY) / Math.max(1e-9, maxY - minY)) * (CHART_H - 24);
  const polyline = (values: readonly (number | null)[], dashed: boolean | undefined, color: string) => {
    const points = values.flatMap((v, i) => (v === null ? [] : [`${x(atMs[i] ?? t0).toFixed(1)},${y(v).toFixed(1)}`])).join(' ');
    return `<polyline fill="none" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="4 3"' : ''} points="${points}"/>`;
  };
  const colors = ['#175cd3', '#7cd4fd', '#f79009'];
  return `<div class="chart"><h3>${esc(title)}</h3>
<svg width="${CHART_W}" height="${CHART_H}" role="img" aria-label="${esc(title)}">
<line x1="${PAD}" y1="${CHART_H - 16}" x2="${CHART_W - 4}" y2="${CHART_H - 16}" stroke="#cbd2d9"/>
<text x="2" y="12">${esc(fmt(maxY))} ${esc(axis.unit)}</text><text x="2" y="${CHART_H - 18}">${esc(fmt(minY))}</text>
${lines.map((l, i) => polyline(l.values, l.dashed, colors[i % colors.length] as string)).join('\n')}
<text x="${PAD}" y="${CHART_H - 2}">${esc(axis.caption)}</text>
</svg></div>`;
}

const fmt = (v: number) => (Math.abs(v) >= 10 ? String(Math.round(v)) : String(Math.round(v * 10_000) / 10_000));
const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(4).replace(/\.?0+$/, '')} %`);

export interface SloModel {
  chartWindow: string;
  charts: { service: string; points: SloPoint[] }[];
  freshness: FreshnessWindow[];
  consistency: ConsistencyWindow[];
  lastMisses: AuditMiss[];
}

export function sloCharts(m: SloModel): string {
  return m.charts
    .map(({ service, points }) => {
      const at = points.map((p) => p.atMs);
      const last = points[points.length - 1];
      const freshness = seriesChart(
        `${service} · freshness (commit → first served)`,
        at,
        [
          { label: 'p99', values: points.map((p) => p.freshnessP99Ms) },
          { label: 'p50', values: points.map((p) => p.freshnessP50Ms), dashed: true },
        ],
        { unit: 'ms', caption: `p99 ${last?.freshnessP99Ms ?? '–'} ms · p50 ${last?.freshnessP50Ms ?? '–'} ms · changes visible in time ${pct(last?.withinThreshold ?? null)}` },
      );
      const consistency = seriesChart(
        `${service} · consistency (correct ÷ audited)`,
        at,
        [{ label: 'ratio', values: points.map((p) => p.consistency) }],
        { unit: '', min: Math.min(0.99, ...points.flatMap((p) => (p.consistency === null ? [] : [p.consistency]))), max: 1, caption: `${pct(last?.consistency ?? null)} of ${last?.audited ?? 0} audited · ${last?.misses ?? 0} misses` },
      );
      return freshness + consistency;
    })
    .join('\n');
}

export function sloTables(m: SloModel): string {
  const freshness =
    m.freshness.length === 0
      ? '<p>No freshness samples in this window.</p>'
      : `<table><thead><tr><th>service</th><th>indicator</th><th>changes</th><th>p50 ms</th><th>p99 ms</th><th>max ms</th><th>within threshold</th></tr></thead><tbody>${m.freshness
          .map(
            (f) =>
              `<tr><td>${esc(f.service)}</td><td>${esc(f.level)}</td><td class="num">${f.count}</td><td class="num">${f.p50Ms}</td><td class="num">${f.p99Ms}</td><td class="num">${f.maxMs}</td><td class="num">${pct(f.withinThreshold)} (≤ ${f.thresholdMs} ms)</td></tr>`,
          )
          .join('\n')}</tbody></table>`;
  const consistency =
    m.consistency.length === 0
      ? '<p>No audits in this window.</p>'
      : `<table><thead><tr><th>service</th><th>audited</th><th>misses</th><th>consistency</th><th>nines</th></tr></thead><tbody>${m.consistency
          .map(
            (c) =>
              `<tr><td>${esc(c.service)}</td><td class="num">${c.audited}</td><td class="num">${c.misses}</td><td class="num">${pct(c.ratio)}</td><td class="num">${c.nines === null ? '–' : `${c.ninesAtLeast ? '≥ ' : ''}${c.nines}`}</td></tr>`,
          )
          .join('\n')}</tbody></table>`;
  const misses =
    m.lastMisses.length === 0
      ? '<p>No consistency misses.</p>'
      : `<table><thead><tr><th>audited at</th><th>outcome</th><th>key</th><th>entry version</th><th>source version</th><th>held ms</th><th>level</th><th>trace</th></tr></thead><tbody>${m.lastMisses
          .map(
            (x) =>
              `<tr><td>${esc(x.auditedAt)}</td><td>${esc(x.outcome)}</td><td><code>${esc(x.key)}</code></td><td class="num">${esc(x.entryVersion ?? '–')}</td><td class="num">${esc(x.sourceVersion ?? '–')}</td><td class="num">${Math.round(x.ageMs)}</td><td>${esc(x.level)}</td><td>${x.traceId ? traceLinks([x.traceId]) : ''}</td></tr>`,
          )
          .join('\n')}</tbody></table>`;
  return `<h3>Freshness</h3>${freshness}<h3>Consistency</h3>${consistency}<h3>Last consistency misses</h3>${misses}`;
}

const traceLinks = (ids: readonly string[]) => ids.map((id) => `<a href="/status/traces/${esc(id)}">${esc(id.slice(0, 12))}…</a>`).join(' ');

export function alertsTable(alerts: readonly Alert[]): string {
  if (alerts.length === 0) return '<p>No alerts.</p>';
  const rows = alerts
    .map(
      (a) => `<tr><td class="${esc(a.state)}">${esc(a.state)}</td><td>${esc(a.severity)}</td><td>${esc(a.rule)}</td><td>${esc(a.summary)}</td>
<td>${esc(a.startsAt)}</td><td>${esc(a.resolvedAt ?? '')}</td><td>${traceLinks(a.exemplarTraceIds)}</td></tr>`,
    )
    .join('\n');
  return `<table><thead><tr><th>state</th><th>severity</th><th>rule</th><th>summary</th><th>since</th><th>resolved</th><th>exemplar traces</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function routesTable(routes: readonly RouteLatency[]): string {
  if (routes.length === 0) return '<p>No server spans received in this window yet.</p>';
  const rows = routes
    .map(
      (r) => `<tr><td>${esc(r.service)}</td><td>${esc(r.route)}</td><td class="num">${r.count}</td><td class="num">${r.rate}</td>
<td class="num">${(r.errorRate * 100).toFixed(2)} %</td><td class="num">${r.p50Ms}</td><td class="num">${r.p95Ms}</td><td class="num">${r.p99Ms}</td><td>${traceLinks(r.exemplars.slice(0, 2).map((e) => e.traceId))}</td></tr>`,
    )
    .join('\n');
  return `<table><thead><tr><th>service</th><th>route</th><th>count</th><th>req/s</th><th>errors</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>slowest traces</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export interface StatusModel {
  generatedAt: string;
  window: string;
  chartWindow: string;
  liveAlerts: Alert[];
  recentAlerts: Alert[];
  routes: RouteLatency[];
  charts: { service: string; route: string; points: HistoryPoint[] }[];
  slo?: SloModel;
}

export function statusPage(m: StatusModel): string {
  const charts = m.charts.map((c) => latencyChart(`${c.service} · ${c.route}`, c.points)).join('\n');
  return page(
    'Ledgerline status',
    `<h1>Ledgerline status</h1><p>Generated ${esc(m.generatedAt)}. Refreshes every 15 s.</p>
<h2>Current alerts</h2>${alertsTable(m.liveAlerts)}
${
  m.slo
    ? `<h2>Freshness and consistency (${esc(m.slo.chartWindow)} window)</h2><div class="charts">${sloCharts(m.slo) || '<p>No samples yet.</p>'}</div>${sloTables(m.slo)}`
    : ''
}
<h2>Latency per route (p95 solid, p50 dashed; ${esc(m.chartWindow)} window)</h2><div class="charts">${charts || '<p>No samples yet.</p>'}</div>
<h2>Routes over ${esc(m.window)}</h2>${routesTable(m.routes)}
<h2>Recent alert history</h2>${alertsTable(m.recentAlerts)}`,
  );
}

/** Span waterfall: one bar per span, indented by depth, positioned on the trace's time axis. */
export function waterfall(traceId: string, spans: readonly ReceivedSpan[]): string {
  const first = spans.reduce((min, s) => (s.startUnixNano < min ? s.startUnixNano : min), spans[0]?.startUnixNano ?? 0n);
  const last = spans.reduce((max, s) => (s.startUnixNano + s.durationNanos > max ? s.startUnixNano + s.durationNanos : max), first);
  const total = Number(last - first) || 1;
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const depth = (s: ReceivedSpan): number => {
    let d = 0;
    for (let p = s.parentSpanId ? byId.get(s.parentSpanId) : undefined; p && d < 32; p = p.parentSpanId ? byId.get(p.parentSpanId) : undefined) d++;
    return d;
  };
  const LABEL_W = 380;
  const BAR_W = 560;
  const ROW = 20;
  const rows = spans
    .map((s, i) => {
      const x = LABEL_W + (Number(s.startUnixNano - first) / total) * BAR_W;
      const w = Math.max(1, (Number(s.durationNanos) / total) * BAR_W);
      const y = 24 + i * ROW;
      const fill = s.error ? '#f04438' : s.attributes['fault.injected'] === true ? '#f79009' : '#2e90fa';
      const ms = (Number(s.durationNanos) / 1e6).toFixed(1);
      return `<g><title>${esc(`${s.service} ${s.name} ${ms} ms`)}</title>
<text x="${4 + depth(s) * 12}" y="${y + 13}">${esc(s.service)}: ${esc(s.name.slice(0, 48))}</text>
<rect x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW - 6}" fill="${fill}" rx="2"/>
<text x="${LABEL_W + BAR_W + 8}" y="${y + 13}">${ms} ms</text></g>`;
    })
    .join('\n');
  const height = 30 + spans.length * ROW;
  return page(
    `Trace ${traceId}`,
    `<p><a href="/status">← status</a></p><h1>Trace ${esc(traceId)}</h1>
<p>${spans.length} spans, ${(total / 1e6).toFixed(1)} ms. Orange: injected fault; red: error.</p>
<svg width="${LABEL_W + BAR_W + 80}" height="${height}" role="img" aria-label="span waterfall">
<text x="${LABEL_W}" y="14">0 ms</text><text x="${LABEL_W + BAR_W - 40}" y="14">${(total / 1e6).toFixed(1)} ms</text>
${rows}
</svg>`,
  );
}
