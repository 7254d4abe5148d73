import { api, createTenant, e2e, eventually } from '@ledgerline/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WebSocket } from 'ws';
import { demoData, loadDemoData } from '@ledgerline/testing';

/** Debian's package (`apt-get install chromium`); the e2e setup sets CHROMIUM_BIN. */
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
/** Gitignored; kept after the run so a person (or CI) can look at what the browser showed. */
const ARTIFACTS = resolve(__dirname, '../../../test-artifacts');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Headless Chromium driven over the DevTools protocol: one page, evaluate and screenshot. */
class Browser {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(
    private readonly proc: ChildProcess,
    private readonly profile: string,
    private readonly socket: WebSocket,
  ) {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!waiter || message.id === undefined) return;
      this.pending.delete(message.id);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
    });
  }

  static async launch(): Promise<Browser> {
    const profile = mkdtempSync(join(tmpdir(), 'chromium-demo-'));
    const proc = spawn(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--remote-debugging-port=0',
        `--user-data-dir=${profile}`,
        '--window-size=1100,1400',
        'about:blank',
      ],
      { stdio: 'ignore' },
    );
    try {
      const portFile = join(profile, 'DevToolsActivePort');
      // Chromium creates the file before it writes the port into it: wait for the number, not the file.
      const port = await eventually(
        'Chromium to write its DevTools port',
        () => (existsSync(portFile) ? /^(\d+)\n/.exec(readFileSync(portFile, 'utf8'))?.[1] : undefined),
        { timeoutMs: 30_000, everyMs: 100 },
      );
      let pageUrl: string | undefined;
      for (let i = 0; i < 100 && !pageUrl; i++) {
        const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
          type: string;
          webSocketDebuggerUrl: string;
        }[];
        pageUrl = targets.find((t) => t.type === 'page')?.webSocketDebuggerUrl;
        if (!pageUrl) await sleep(100);
      }
      if (!pageUrl) throw new Error('Chromium opened no page');
      const socket = new WebSocket(pageUrl);
      await new Promise((ok, fail) => socket.once('open', ok).once('error', fail));
      return new Browser(proc, profile, socket);
    } catch (error) {
      proc.kill('SIGKILL');
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      throw error;
    }
  }

  send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.nextId;
    this.socket.send(JSON.stringify({ id, method, params }));
    return new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }

  async evaluate<T>(expression: string): Promise<T> {
    const answer = await this.send<{ result: { value: T }; exceptionDetails?: { text: string } }>('Runtime.evaluate', {
      expression,
      returnByValue: true,
    });
    if (answer.exceptionDetails) throw new Error(answer.exceptionDetails.text);
    return answer.result.value;
  }

  /** Polls `expression` in the page until it returns something truthy (a throw, e.g. while the page loads, is a no). */
  async waitFor<T>(expression: string, what: string, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await this.evaluate<T>(`(() => { try { return (${expression}); } catch { return false; } })()`);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  }

  async screenshot(file: string): Promise<void> {
    const { data } = await this.send<{ data: string }>('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
    writeFileSync(file, Buffer.from(data, 'base64'));
  }

  /** Its profile is removed once Chromium has exited: its processes write there until then (ENOTEMPTY). */
  async close(): Promise<void> {
    this.socket.close();
    const exited = this.proc.exitCode !== null || this.proc.signalCode !== null ? Promise.resolve() : once(this.proc, 'exit');
    this.proc.kill('SIGKILL');
    await exited;
    // Chromium's helper processes may outlive the browser by a moment.
    rmSync(this.profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

const text = (id: string) => `document.getElementById(${JSON.stringify(id)}).textContent`;
/** What the page prints for an API amount: the same locale formatting, so the comparison is on the figure. */
const shown = (amount: string) =>
  `(${Number(amount)}).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + ' EUR'`;

interface Summary {
  expenses: { total: string; fixed: string; variable: string };
  fixedPlanned: string;
  provisions: { total: string };
  members: { id: string; contribution: string; paid: string; toTransfer: string }[];
}

describe('demo page in headless Chromium', () => {
  const today = new Date().toISOString().slice(0, 10);
  const month = today.slice(0, 7);
  let key: string;
  let browser: Browser;

  const summary = async () => {
    const res = await api<Summary>('GET', `/v1/dashboard/summary?month=${month}`, { key });
    expect(res.status).toBe(200);
    return res.body;
  };

  /** Waits until the page shows exactly the API's summary figures. */
  const pageShows = async (s: Summary) => {
    const checks = [
      `${text('total')} === ${shown(s.expenses.total)}`,
      `${text('fixed')} === ${shown(s.expenses.fixed)}`,
      `${text('variable')} === ${shown(s.expenses.variable)}`,
      `${text('planned')} === ${shown(s.fixedPlanned)}`,
      `${text('provisions-total')} === ${shown(s.provisions.total)}`,
      ...s.members.flatMap((m) =>
        (['contribution', 'paid', 'toTransfer'] as const).map(
          (field) => `document.querySelector('tr[data-member="${m.id}"] td[data-field="${field}"]')?.textContent === ${shown(m[field])}`,
        ),
      ),
    ];
    await browser.waitFor(checks.join(' && '), `the page to show total ${s.expenses.total}`);
  };

  beforeAll(async () => {
    ({ apiKey: key } = await createTenant({ ...demoData(today).tenant, name: 'Demo page e2e' }));
    await loadDemoData(e2e.gatewayUrl(), key, demoData(today));
    browser = await Browser.launch();
    await browser.send('Page.enable');
    await browser.send('Page.navigate', { url: `${e2e.gatewayUrl()}/demo?key=${encodeURIComponent(key)}&month=${month}` });
  }, 90_000);

  afterAll(() => browser?.close());

  it('shows the demo figures the API returns, with the live stream connected', async () => {
    await browser.waitFor(`${text('live-state')} === 'connected'`, 'the live stream');
    // Ingestion is asynchronous: compare once the figures settled (the page follows them live).
    let s = await summary();
    for (let i = 0; i < 50 && Number(s.expenses.total) === 0; i++) s = (await sleep(200), await summary());
    expect(Number(s.expenses.total)).toBeGreaterThan(0);
    await pageShows(s);
    const bars = await browser.evaluate<number>(`document.querySelectorAll('#breakdown g[role=button]').length`);
    expect(bars).toBeGreaterThan(3);
    expect(await browser.evaluate<number>(`document.querySelectorAll('#trend g[data-month]').length`)).toBe(12);
    await browser.waitFor(`document.querySelectorAll('#provisions li[data-provision]').length === 2`, 'the provisions');
    expect(await browser.evaluate<number>(`document.querySelectorAll('#budgets li[data-category]').length`)).toBe(3);
  }, 90_000);

  it('loads the demo data idempotently: a second load (npm start after a crash midway) adds nothing', async () => {
    const before = await summary();
    await loadDemoData(e2e.gatewayUrl(), key, demoData(today));
    expect((await api<{ fixedLines: unknown[] }>('GET', '/v1/fixed-lines', { key })).body.fixedLines).toHaveLength(5);
    expect((await api<{ provisions: unknown[] }>('GET', '/v1/provisions', { key })).body.provisions).toHaveLength(2);
    expect(await summary()).toEqual(before);
  }, 60_000);

  it('adds a transaction from its form, and shows it from the live stream', async () => {
    const before = await summary();
    await browser.evaluate(`(() => {
      const f = document.getElementById('add').elements;
      f.amount.value = '10.05'; f.category.value = 'Leisure'; f.subcategory.value = 'Books'; f.member.value = 'm1';
      document.getElementById('add').requestSubmit();
    })()`);
    await browser.waitFor(`${text('status')}.startsWith('Added')`, 'the form to be accepted');
    const expected = (Math.round(Number(before.expenses.total) * 100) + 1005) / 100;
    await browser.waitFor(`${text('total')} === ${shown(expected.toFixed(2))}`, 'the page total to include the form row');
    await pageShows(await summary());
  }, 60_000);

  it('updates in place when a transaction is added through the API, without a reload', async () => {
    await browser.evaluate(`window.__sameDocument = true`);
    const before = await browser.evaluate<string>(text('version'));
    const posted = await api('POST', '/v1/transactions', {
      key,
      body: {
        transactions: [
          { date: today, amount: '123.45', category: 'Dining', subcategory: 'Restaurants', member: 'm2', label: 'e2e dinner' },
        ],
      },
    });
    expect(posted.status).toBe(201);
    await browser.waitFor(`${text('version')} !== ${JSON.stringify(before)}`, 'a live update');
    let s = await summary();
    await pageShows(s).catch(async () => pageShows((s = await summary())));
    expect(await browser.evaluate<boolean>('window.__sameDocument === true')).toBe(true);

    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, 'demo-page.png');
    await browser.screenshot(file);
    console.log(`demo page screenshot: ${file}`);
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
  }, 90_000);

  it('fits a phone screen: nothing wider than the viewport but the scrollable members table', async () => {
    await browser.send('Emulation.setDeviceMetricsOverride', { width: 390, height: 844, deviceScaleFactor: 2, mobile: true });
    await browser.waitFor(`document.documentElement.clientWidth === 390`, 'the phone viewport');
    expect(await browser.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    // The charts are redrawn at the new width, so their text keeps its real size.
    await browser.waitFor(
      `document.querySelector('#breakdown svg').viewBox.baseVal.width === Math.max(300, document.getElementById('breakdown').clientWidth)`,
      'the breakdown chart redrawn at phone width',
    );
    const file = join(ARTIFACTS, 'demo-page-phone.png');
    await browser.screenshot(file);
    console.log(`demo page phone screenshot: ${file}`);
    await browser.send('Emulation.clearDeviceMetricsOverride');
  }, 60_000);

  it('drills down from a category bar to its subcategories with the keyboard', async () => {
    await browser.evaluate(`(() => { const g = document.querySelector('#breakdown g[data-category="Groceries"]'); g.focus();
      g.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })); })()`);
    const caption = await browser.waitFor<string>(`document.querySelector('#drill caption')?.textContent`, 'the drill-down');
    expect(caption).toContain('Subcategories of Groceries');
    expect(await browser.evaluate<string>(`document.querySelector('#drill').textContent`)).toContain('Supermarket');
  }, 60_000);
});
