import { Agent, request, type IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { createBenchTenant, percentile, round, startBenchStack, type BenchStack } from './bench-stack';

/**
 * npm run bench:live — live dashboards under load: SUBSCRIBERS concurrent
 * Server-Sent Events streams on one gateway, spread over TENANTS tenants (at
 * most 10 per key, the default limit: each tenant gets the keys it needs),
 * while WRITES_PER_S single-row writes land, round-robin over the tenants.
 *
 * Push lag is measured end to end, at the subscriber: for every write, the
 * time from its 201 reaching the writer to the first event of that tenant
 * reaching each subscriber with a version at least the write's. A write no
 * subscriber event ever covered is missed; an event older than the one before
 * it on the same stream is out of order.
 */
const SUBSCRIBERS = Number(process.env.BENCH_LIVE_SUBSCRIBERS ?? 10_000);
const TENANTS = Number(process.env.BENCH_LIVE_TENANTS ?? 100);
const WRITES_PER_S = Number(process.env.BENCH_LIVE_WRITES_PER_S ?? 50);
const SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? 30);
const VIEWS = process.env.BENCH_LIVE_VIEWS ?? 'summary';
const STREAMS_PER_KEY = 10;
const OPEN_CONCURRENCY = 100;
/** After the last write: every subscriber has this long to hear of it before it counts as missed. */
const DRAIN_MS = 5_000;
const TICKS_PER_S = 100;
const MONTH = '2026-03';
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Tenant {
  keys: string[];
  /** version → when the writer got its 201 (performance.now()). */
  acks: Map<bigint, number>;
}

interface Stream {
  tenant: Tenant;
  /** Versions received (update and snapshot events), with when. */
  received: { version: bigint; at: number }[];
  outOfOrder: number;
  res?: IncomingMessage;
}

const procStat = (pid: number): string[] => {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
};
const cpuTicks = (pid: number): number => {
  const stat = procStat(pid);
  return Number(stat[11]) + Number(stat[12]);
};
const rssKiB = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

/** A quantile of a Prometheus histogram of the gateway, from its cumulative buckets (upper bound of the bucket it falls in), in ms. */
async function histogramQuantileMs(stack: BenchStack, name: string, q: number): Promise<number | null> {
  const text = await (await fetch(`${stack.gatewayUrl}/metrics`)).text();
  const buckets = text
    .split('\n')
    .filter((l) => l.startsWith(`${name}_bucket`))
    .map((l) => ({
      le: l.includes('le="+Inf"') ? Infinity : Number(/le="([^"]+)"/.exec(l)?.[1]),
      count: Number(l.slice(l.lastIndexOf(' ') + 1)),
    }));
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return null;
  const bucket = buckets.find((b) => b.count >= q * total);
  return bucket && Number.isFinite(bucket.le) ? bucket.le * 1000 : null;
}

async function metric(stack: BenchStack, name: string): Promise<number> {
  const text = await (await fetch(`${stack.gatewayUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name) && !l.startsWith('#'))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

function openStream(stack: BenchStack, agent: Agent, stream: Stream, key: string): Promise<void> {
  const url = new URL(`/v1/dashboard/live?month=${MONTH}&views=${VIEWS}`, stack.gatewayUrl);
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' } });
    req.on('error', reject);
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`stream: ${res.statusCode}`));
        res.resume();
        return;
      }
      stream.res = res;
      res.setEncoding('utf8');
      let pending = '';
      let last = -1n;
      res.on('data', (text: string) => {
        const at = performance.now();
        pending += text;
        let end: number;
        while ((end = pending.indexOf('\n\n')) !== -1) {
          const block = pending.slice(0, end);
          pending = pending.slice(end + 2);
          const id = /^id: (\d+)$/m.exec(block)?.[1];
          if (id === undefined) continue;
          const version = BigInt(id);
          if (version < last) stream.outOfOrder += 1;
          last = version;
          stream.received.push({ version, at });
          resolve();
        }
      });
      res.on('error', () => undefined);
    });
    req.end();
  });
}

/** Request → 201 of every timed write: how loaded the stack itself is, next to the push lag. */
const writeLatencies: number[] = [];

async function write(stack: BenchStack, tenant: Tenant, n: number): Promise<void> {
  const sent = performance.now();
  const res = await fetch(`${stack.gatewayUrl}/v1/transactions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tenant.keys[0] as string}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      transactions: [{ date: `${MONTH}-${String(1 + (n % 28)).padStart(2, '0')}`, amount: '1.25', category: `C${n % 9}` }],
    }),
  });
  const at = performance.now();
  writeLatencies.push(at - sent);
  if (res.status !== 201) throw new Error(`write: ${res.status} ${await res.text()}`);
  const { version } = (await res.json()) as { version: string };
  tenant.acks.set(BigInt(version), at);
}

async function main(): Promise<void> {
  const stack = await startBenchStack(log);
  const gatewayPid = stack.services.processes.get('api-gateway')?.child.pid as number;
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const streams: Stream[] = [];
  try {
    const keysPerTenant = Math.ceil(SUBSCRIBERS / TENANTS / STREAMS_PER_KEY);
    log(`${TENANTS} tenants, ${keysPerTenant} keys each`);
    const tenants: Tenant[] = [];
    for (let t = 0; t < TENANTS; t++) {
      const { apiKey } = await createBenchTenant(stack.gatewayUrl);
      const keys = [apiKey];
      for (let k = 1; k < keysPerTenant; k++) {
        const res = await fetch(`${stack.gatewayUrl}/v1/tenant/keys`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` } });
        keys.push(((await res.json()) as { apiKey: string }).apiKey);
      }
      tenants.push({ keys, acks: new Map() });
      await write(stack, tenants[t] as Tenant, t);
    }

    const heapBefore = await metric(stack, 'nodejs_heap_size_used_bytes');
    const rssBefore = rssKiB(gatewayPid);
    log(`opening ${SUBSCRIBERS} streams (gateway RSS ${Math.round(rssBefore / 1024)} MiB)`);
    const opened = performance.now();
    for (let i = 0; i < SUBSCRIBERS; i += OPEN_CONCURRENCY) {
      await Promise.all(
        Array.from({ length: Math.min(OPEN_CONCURRENCY, SUBSCRIBERS - i) }, (_, j) => {
          const n = i + j;
          const tenant = tenants[n % TENANTS] as Tenant;
          const stream: Stream = { tenant, received: [], outOfOrder: 0 };
          streams.push(stream);
          return openStream(stack, agent, stream, tenant.keys[Math.floor(n / TENANTS) % tenant.keys.length] as string);
        }),
      );
    }
    const openSeconds = (performance.now() - opened) / 1000;
    await new Promise((r) => setTimeout(r, 2_000));
    const rssOpen = rssKiB(gatewayPid);
    const heapOpen = await metric(stack, 'nodejs_heap_size_used_bytes');
    const openGauge = await metric(stack, 'gateway_live_streams_open');
    log(`${openGauge} streams open in ${round(openSeconds)} s; gateway RSS ${Math.round(rssOpen / 1024)} MiB`);

    const sentBefore = await metric(stack, 'gateway_live_events_sent_total{kind="update"}');
    const ticksBefore = cpuTicks(gatewayPid);
    const started = performance.now();
    writeLatencies.length = 0;
    const total = WRITES_PER_S * SECONDS;
    log(`${total} writes at ${WRITES_PER_S}/s`);
    const inflight: Promise<void>[] = [];
    for (let n = 0; n < total; n++) {
      const due = started + (n * 1000) / WRITES_PER_S;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inflight.push(write(stack, tenants[n % TENANTS] as Tenant, n));
    }
    await Promise.all(inflight);
    const writeSeconds = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, DRAIN_MS));
    const cpuMs = ((cpuTicks(gatewayPid) - ticksBefore) / TICKS_PER_S) * 1000;
    const pushed = (await metric(stack, 'gateway_live_events_sent_total{kind="update"}')) - sentBefore;
    const coalesced = await metric(stack, 'gateway_live_events_coalesced_total');
    const dropped = await metric(stack, 'gateway_live_events_dropped_total');

    const lags: number[] = [];
    let missed = 0;
    let outOfOrder = 0;
    let streamsMissing = 0;
    for (const stream of streams) {
      outOfOrder += stream.outOfOrder;
      let missing = false;
      let i = 0;
      const writes = [...stream.tenant.acks].sort(([a], [b]) => (a < b ? -1 : 1)).slice(1); // the first write predates the stream
      for (const [version, ackAt] of writes) {
        while (i < stream.received.length && (stream.received[i] as { version: bigint }).version < version) i++;
        const event = stream.received[i];
        if (!event) {
          missed += 1;
          missing = true;
          continue;
        }
        lags.push(Math.max(0, event.at - ackAt));
      }
      if (missing) streamsMissing += 1;
    }
    lags.sort((a, b) => a - b);
    writeLatencies.sort((a, b) => a - b);
    const report = {
      machineLoadAverage1m: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
      subscribers: SUBSCRIBERS,
      tenants: TENANTS,
      views: VIEWS,
      streamsOpen: openGauge,
      openSeconds: round(openSeconds),
      writes: total,
      writesPerSecond: round(total / writeSeconds),
      writeLatencyMs: { p50: percentile(writeLatencies, 50), p99: percentile(writeLatencies, 99) },
      pushLagMs: {
        samples: lags.length,
        p50: percentile(lags, 50),
        p99: percentile(lags, 99),
        max: round(lags.at(-1) ?? 0),
        targetP99: 100,
      },
      missedVersions: missed,
      streamsMissingAVersion: streamsMissing,
      outOfOrderEvents: outOfOrder,
      gateway: {
        rssBeforeStreamsMiB: round(rssBefore / 1024),
        rssWithStreamsMiB: round(rssOpen / 1024),
        rssPerStreamKiB: round((rssOpen - rssBefore) / SUBSCRIBERS, 2),
        targetRssPerStreamKiB: 16,
        heapUsedPerStreamKiB: round((heapOpen - heapBefore) / 1024 / SUBSCRIBERS, 2),
        serverPushLagMs: {
          note: 'gateway_live_push_lag_seconds: the rollups event occurredAt → socket write, bucket upper bounds',
          p50: await histogramQuantileMs(stack, 'gateway_live_push_lag_seconds', 0.5),
          p99: await histogramQuantileMs(stack, 'gateway_live_push_lag_seconds', 0.99),
        },
        updateEventsPushed: pushed,
        eventsCoalesced: coalesced,
        eventsDropped: dropped,
        cpuMsDuringWrites: round(cpuMs),
        cpuUsPerPushedEvent: round((cpuMs * 1000) / Math.max(1, pushed), 2),
        coresBusy: round(cpuMs / 1000 / (writeSeconds + DRAIN_MS / 1000), 2),
      },
      note: 'push lag = write 201 at the writer → first event covering that version at each subscriber (same process, loopback); CPU from /proc for the gateway process over the write phase plus drain',
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    for (const stream of streams) stream.res?.destroy();
    agent.destroy();
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:live failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
