import { generateTransactions, SEED_COPY_COLUMNS, seedCopyLine } from '@ledgerline/testing';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createBenchTenant, round, startBenchStack } from './bench-stack';

/**
 * npm run bench:ingest — CSV import rows/s end to end (upload → succeeded) for
 * a 1,000,000-row file, next to raw COPY of the same rows into the same table
 * in the same run, and the JSON batch endpoint with 1,000-row batches.
 */
const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 50);
/** Ten months split 1,000,000 rows evenly: an import holds at most 1,000,000. */
const MONTHS = 10;
const log = (line: string) => process.stderr.write(`${line}\n`);

const CSV_HEADER = 'externalId,date,month,label,amount,category,subcategory,expenseType,member,exclude\n';
const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

async function writeFiles(dir: string, copyTenant: string): Promise<{ csv: string; copy: string; bytes: number }> {
  const csv = createWriteStream(join(dir, 'import.csv'));
  const copy = createWriteStream(join(dir, 'import.copy'));
  let bytes = 0;
  const write = async (stream: NodeJS.WritableStream, text: string) => {
    if (!stream.write(text)) await once(stream, 'drain');
  };
  await write(csv, CSV_HEADER);
  let csvChunk = '';
  let copyChunk = '';
  for (const r of generateTransactions({
    seed: 2026,
    startMonth: '2025-01',
    months: MONTHS,
    rowsPerMonth: Math.ceil(ROWS / MONTHS),
    members: ['m1', 'm2', 'm3'],
    idPrefix: 'bench',
  })) {
    csvChunk += `${r.externalId},${r.date},${r.month},${csvCell(r.label)},${r.amount},${csvCell(r.category)},${r.subcategory},${r.expenseType},${r.member ?? ''},${r.exclude}\n`;
    copyChunk += seedCopyLine(copyTenant, r);
    if (csvChunk.length > 1 << 20) {
      bytes += Buffer.byteLength(csvChunk);
      await write(csv, csvChunk);
      await write(copy, copyChunk);
      csvChunk = copyChunk = '';
    }
  }
  bytes += Buffer.byteLength(csvChunk);
  csv.end(csvChunk);
  copy.end(copyChunk);
  await Promise.all([once(csv, 'finish'), once(copy, 'finish')]);
  return { csv: join(dir, 'import.csv'), copy: join(dir, 'import.copy'), bytes };
}

async function main(): Promise<void> {
  const stack = await startBenchStack(log);
  try {
    const tenant = await createBenchTenant(stack.gatewayUrl);
    const auth = { authorization: `Bearer ${tenant.apiKey}` };
    log(`writing ${ROWS} rows as CSV and as COPY text`);
    const files = await writeFiles(stack.dataDir, randomUUID());
    const rows = Math.ceil(ROWS / MONTHS) * MONTHS;

    log('raw COPY into ingestion.transactions');
    const pg = new Client({ connectionString: stack.infra.env.DATABASE_URL });
    await pg.connect();
    let started = performance.now();
    await pipeline(createReadStream(files.copy), pg.query(copyFrom(`COPY ingestion.transactions (${SEED_COPY_COLUMNS}) FROM STDIN`)));
    const copySeconds = (performance.now() - started) / 1000;
    await pg.end();

    log('CSV import through the gateway');
    started = performance.now();
    const upload = await fetch(`${stack.gatewayUrl}/v1/imports`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: Readable.toWeb(createReadStream(files.csv)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const { id } = (await upload.json()) as { id: string };
    const uploadSeconds = (performance.now() - started) / 1000;
    let status: { status: string; accepted: number; errors: unknown[] };
    for (;;) {
      status = (await (await fetch(`${stack.gatewayUrl}/v1/imports/${id}`, { headers: auth })).json()) as typeof status;
      if (status.status === 'succeeded' || status.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const importSeconds = (performance.now() - started) / 1000;
    if (status.status !== 'succeeded') throw new Error(`import failed: ${JSON.stringify(status.errors.slice(0, 3))}`);

    log(`JSON batches: ${BATCHES} × 1,000 rows`);
    const batchRows = [
      ...generateTransactions({
        seed: 7,
        startMonth: '2026-01',
        months: 1,
        rowsPerMonth: BATCHES * 1_000,
        members: ['m1'],
        idPrefix: 'batch',
      }),
    ];
    // The median batch too: on a shared machine one slow stretch moves the total, much less the median.
    const batchMs: number[] = [];
    started = performance.now();
    for (let i = 0; i < BATCHES; i++) {
      const batchStarted = performance.now();
      const res = await fetch(`${stack.gatewayUrl}/v1/transactions`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ transactions: batchRows.slice(i * 1_000, (i + 1) * 1_000) }),
      });
      if (res.status !== 201) throw new Error(`batch ${i}: ${res.status} ${await res.text()}`);
      batchMs.push(performance.now() - batchStarted);
    }
    const batchSeconds = (performance.now() - started) / 1000;

    const importRate = rows / importSeconds;
    const copyRate = rows / copySeconds;
    process.stdout.write(
      `${JSON.stringify(
        {
          benchmark: 'ingest',
          rows,
          csvBytes: files.bytes,
          rawCopy: { seconds: round(copySeconds, 2), rowsPerSecond: Math.round(copyRate) },
          csvImport: {
            seconds: round(importSeconds, 2),
            uploadSeconds: round(uploadSeconds, 2),
            rowsPerSecond: Math.round(importRate),
            ratioToRawCopy: round(importRate / copyRate, 3),
            target: '>= 0.5 of raw COPY',
          },
          jsonBatches: {
            batches: BATCHES,
            rowsPerBatch: 1_000,
            seconds: round(batchSeconds, 2),
            rowsPerSecond: Math.round((BATCHES * 1_000) / batchSeconds),
            ratioToRawCopy: round((BATCHES * 1_000) / batchSeconds / copyRate, 3),
            medianBatchMs: round(batchMs.sort((a, b) => a - b)[Math.floor(batchMs.length / 2)] ?? 0, 1),
            target: '>= 0.4 of raw COPY',
          },
          peakRssMiB: {
            'api-gateway': stack.peakRssMiB('api-gateway'),
            ingestion: stack.peakRssMiB('ingestion'),
            aggregation: stack.peakRssMiB('aggregation'),
          },
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  log(`bench:ingest failed: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
