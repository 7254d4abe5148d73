import { SPEC_TENANT } from '../e2e/api-client';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { prng } from './generator';

/**
 * The demo household `npm start` loads once per data directory: SPEC.md's
 * appendix tenant with twelve months of transactions ending at the current
 * month, fixed lines, provisions and budgets — all through the public API, so
 * every dashboard route has real, exact figures to show.
 *
 * The data is a pure function of the month it ends at (a seeded generator, no
 * Math.random), so a test can rebuild exactly what was loaded.
 */

export interface DemoTenant {
  id: string;
  apiKey: string;
  /** Set once every part of the demo data is in; a restart then loads nothing. */
  loaded?: boolean;
}

export interface DemoTransaction {
  externalId: string;
  date: string;
  label: string;
  amount: string;
  category: string;
  subcategory: string;
  expenseType: 'FIXED' | 'VARIABLE';
  member: 'm1' | 'm2';
  exclude?: boolean;
}

export interface DemoData {
  tenant: typeof SPEC_TENANT;
  transactions: DemoTransaction[];
  fixedLines: Record<string, unknown>[];
  provisions: Record<string, unknown>[];
  budgets: { category: string; limit: string }[];
}

const cents = (value: number) =>
  `${value < 0 ? '-' : ''}${Math.floor(Math.abs(value) / 100)}.${String(Math.abs(value) % 100).padStart(2, '0')}`;

/** `YYYY-MM` of `count` months ending at `last`, oldest first. */
export function monthsEndingAt(last: string, count: number): string[] {
  const index = Number(last.slice(0, 4)) * 12 + Number(last.slice(5, 7)) - 1;
  return Array.from({ length: count }, (_, i) => {
    const m = index - (count - 1) + i;
    return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
  });
}

interface Variable {
  category: string;
  subcategory: string;
  labels: readonly string[];
  /** Rows per month: [min, max]. */
  perMonth: readonly [number, number];
  /** Amount in cents: [min, max]. */
  cents: readonly [number, number];
}

const VARIABLE: readonly Variable[] = [
  {
    category: 'Groceries',
    subcategory: 'Supermarket',
    labels: ['Carrefour', 'Lidl', 'Monoprix'],
    perMonth: [5, 8],
    cents: [2_450, 11_890],
  },
  { category: 'Groceries', subcategory: 'Bakery', labels: ['Boulangerie Martin'], perMonth: [3, 6], cents: [320, 1_480] },
  { category: 'Groceries', subcategory: 'Market', labels: ['Saturday market'], perMonth: [1, 3], cents: [1_800, 4_600] },
  { category: 'Transport', subcategory: 'Fuel', labels: ['Total station', 'Esso'], perMonth: [1, 3], cents: [4_500, 7_800] },
  { category: 'Transport', subcategory: 'Public transport', labels: ['Metro tickets'], perMonth: [1, 2], cents: [1_690, 2_500] },
  {
    category: 'Dining',
    subcategory: 'Restaurants',
    labels: ['Chez Paul', 'Sushi Ya', 'Pizzeria Roma'],
    perMonth: [2, 4],
    cents: [2_800, 8_900],
  },
  { category: 'Dining', subcategory: 'Cafés', labels: ['Café du coin'], perMonth: [2, 5], cents: [380, 1_250] },
  { category: 'Leisure', subcategory: 'Cinema', labels: ['UGC'], perMonth: [0, 2], cents: [1_150, 2_600] },
  { category: 'Leisure', subcategory: 'Books', labels: ['Fnac', 'Librairie'], perMonth: [0, 2], cents: [990, 3_400] },
  { category: 'Health', subcategory: 'Pharmacy', labels: ['Pharmacie'], perMonth: [0, 2], cents: [590, 3_200] },
  { category: 'Shopping', subcategory: 'Clothes', labels: ['Uniqlo', 'Zara'], perMonth: [0, 2], cents: [1_990, 8_900] },
  { category: 'Shopping', subcategory: 'Home', labels: ['IKEA', 'Leroy Merlin'], perMonth: [0, 1], cents: [1_500, 14_900] },
];

/** Paid every month, on a set day, by a set member. */
const MONTHLY_FIXED = [
  { category: 'Housing', subcategory: 'Rent', label: 'Rent', cents: 145_000, day: 1, member: 'm1' },
  { category: 'Subscriptions', subcategory: 'Streaming', label: 'Netflix', cents: 1_349, day: 5, member: 'm2' },
  { category: 'Subscriptions', subcategory: 'Phone', label: 'Mobile plans', cents: 3_998, day: 8, member: 'm1' },
  { category: 'Subscriptions', subcategory: 'Gym', label: 'Gym membership', cents: 3_490, day: 3, member: 'm2' },
] as const;

/** The twelve months of transactions ending at `lastMonth`; in the current month no date is after `today`. */
export function demoTransactions(lastMonth: string, today?: string): DemoTransaction[] {
  const rows: DemoTransaction[] = [];
  for (const [monthIndex, month] of monthsEndingAt(lastMonth, 12).entries()) {
    const random = prng(Number(month.replace('-', '')));
    const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
    const lastDay = month === today?.slice(0, 7) ? Math.min(28, Number(today.slice(8, 10))) : 28;
    const day = (d: number) => `${month}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
    const add = (row: Omit<DemoTransaction, 'externalId'>) =>
      rows.push({ externalId: `demo-${month}-${String(rows.length).padStart(4, '0')}`, ...row });

    for (const f of MONTHLY_FIXED) {
      add({
        date: day(f.day),
        label: f.label,
        amount: cents(f.cents),
        category: f.category,
        subcategory: f.subcategory,
        expenseType: 'FIXED',
        member: f.member,
      });
    }
    // Electricity is a fixed commitment whose amount moves with the season.
    const winter = [1, 2, 11, 12].includes(Number(month.slice(5)));
    add({
      date: day(12),
      label: 'EDF',
      amount: cents(between(winter ? 9_500 : 5_200, winter ? 13_800 : 7_400)),
      category: 'Housing',
      subcategory: 'Electricity',
      expenseType: 'FIXED',
      member: 'm2',
    });
    // Home insurance is paid once a year, in March.
    if (month.endsWith('-03')) {
      add({
        date: day(15),
        label: 'Home insurance (yearly)',
        amount: '480.00',
        category: 'Insurance',
        subcategory: 'Home',
        expenseType: 'FIXED',
        member: 'm1',
      });
    }
    for (const v of VARIABLE) {
      const count = between(v.perMonth[0], v.perMonth[1]);
      for (let i = 0; i < count; i++) {
        add({
          date: day(between(1, 28)),
          label: v.labels[between(0, v.labels.length - 1)] ?? v.subcategory,
          amount: cents(between(v.cents[0], v.cents[1])),
          category: v.category,
          subcategory: v.subcategory,
          expenseType: 'VARIABLE',
          member: random() < 0.55 ? 'm1' : 'm2',
        });
      }
    }
    // A few refunds (negative amounts) and transfers the dashboards must not count.
    if (monthIndex % 4 === 1) {
      add({
        date: day(20),
        label: 'Zara return',
        amount: cents(-between(1_990, 4_990)),
        category: 'Shopping',
        subcategory: 'Clothes',
        expenseType: 'VARIABLE',
        member: 'm2',
      });
    }
    if (monthIndex % 5 === 2) {
      add({
        date: day(22),
        label: 'Health insurance reimbursement',
        amount: cents(-between(1_500, 3_500)),
        category: 'Health',
        subcategory: 'Doctor',
        expenseType: 'VARIABLE',
        member: 'm1',
      });
    }
    if (monthIndex % 3 === 0) {
      add({
        date: day(25),
        label: 'Transfer to joint savings',
        amount: '500.00',
        category: 'Transfers',
        subcategory: 'Savings',
        expenseType: 'VARIABLE',
        member: 'm1',
        exclude: true,
      });
    }
  }
  return rows;
}

/** Everything the demo tenant gets, for the month `today` (YYYY-MM-DD) falls in. */
export function demoData(today: string): DemoData {
  return {
    tenant: SPEC_TENANT,
    transactions: demoTransactions(today.slice(0, 7), today),
    fixedLines: [
      { name: 'Rent', category: 'Housing', amount: '1450.00', frequency: 'monthly' },
      { name: 'Home insurance', category: 'Insurance', amount: '480.00', frequency: 'yearly' },
      { name: 'Netflix', category: 'Subscriptions', amount: '13.49', frequency: 'monthly', split: { mode: 'member', member: 'm2' } },
      { name: 'Mobile plans', category: 'Subscriptions', amount: '39.98', frequency: 'monthly', split: { mode: 'equal' } },
      { name: 'Gym membership', category: 'Subscriptions', amount: '34.90', frequency: 'monthly', split: { mode: 'member', member: 'm2' } },
    ],
    provisions: [
      { name: 'Holiday fund', kind: 'percent', percent: '5', base: 'household', target: '3000.00', saved: '850.00' },
      { name: 'Car fund', kind: 'fixed', amount: '120.00', split: { mode: 'member', member: 'm1' }, target: '6000.00', saved: '1200.00' },
    ],
    budgets: [
      { category: 'Groceries', limit: '650.00' },
      { category: 'Dining', limit: '220.00' },
      { category: 'Leisure', limit: '80.00' },
    ],
  };
}

type Send = (method: string, path: string, body: unknown, expected: number) => Promise<unknown>;

function client(gatewayUrl: string, key: string): Send {
  return async (method, path, body, expected) => {
    const response = await fetch(`${gatewayUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status !== expected) throw new Error(`${method} ${path} failed: ${response.status} ${await response.text()}`);
    return response.json();
  };
}

/**
 * Loads the demo data into a tenant through the public API. Safe to re-run
 * after a crash midway: transactions carry externalIds (a resend is a
 * duplicate), fixed lines and provisions are only added to an empty list, and
 * budgets are a PUT of the whole set.
 */
export async function loadDemoData(gatewayUrl: string, apiKey: string, data: DemoData): Promise<void> {
  const send = client(gatewayUrl, apiKey);
  await send('POST', '/v1/transactions', { transactions: data.transactions }, 201);
  const isEmpty = (list: unknown) => (Array.isArray(list) ? list : (Object.values(list as object).find(Array.isArray) ?? [])).length === 0;
  if (isEmpty(await send('GET', '/v1/fixed-lines', undefined, 200))) {
    for (const line of data.fixedLines) await send('POST', '/v1/fixed-lines', line, 201);
  }
  if (isEmpty(await send('GET', '/v1/provisions', undefined, 200))) {
    for (const provision of data.provisions) await send('POST', '/v1/provisions', provision, 201);
  }
  await send('PUT', '/v1/budgets', { budgets: data.budgets }, 200);
}

/**
 * The demo tenant, created and loaded once per data directory and remembered
 * there (`file`). `withData: false` (`npm start -- --no-demo`) creates the
 * tenant but loads nothing.
 */
export async function ensureDemoTenant(
  gatewayUrl: string,
  adminKey: string,
  file: string,
  options: { withData: boolean; today: string; log: (line: string) => void },
): Promise<DemoTenant> {
  let demo: DemoTenant;
  if (existsSync(file)) {
    demo = JSON.parse(readFileSync(file, 'utf8')) as DemoTenant;
  } else {
    const created = (await client(gatewayUrl, adminKey)('POST', '/v1/tenants', SPEC_TENANT, 201)) as DemoTenant;
    demo = { id: created.id, apiKey: created.apiKey };
    writeFileSync(file, JSON.stringify(demo, null, 2), { mode: 0o600 });
  }
  if (demo.loaded || !options.withData) return demo;
  const started = performance.now();
  const data = demoData(options.today);
  await loadDemoData(gatewayUrl, demo.apiKey, data);
  demo = { ...demo, loaded: true };
  writeFileSync(file, JSON.stringify(demo, null, 2), { mode: 0o600 });
  options.log(
    `demo data loaded: ${data.transactions.length} transactions, ${data.fixedLines.length} fixed lines, ` +
      `${data.provisions.length} provisions, ${data.budgets.length} budgets in ${Math.round(performance.now() - started)} ms`,
  );
  return demo;
}
