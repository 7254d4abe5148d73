import { csvRecords, readHeader, readRecord } from './csv-record';

async function records(text: string): Promise<{ cells: string[]; line: number }[]> {
  const out: { cells: string[]; line: number }[] = [];
  // Fed in small chunks so records straddle chunk boundaries.
  const chunks = (async function* () {
    for (let i = 0; i < text.length; i += 7) yield Buffer.from(text.slice(i, i + 7));
  })();
  for await (const record of csvRecords(chunks)) out.push(record);
  return out;
}

describe('CSV records', () => {
  it('parses RFC 4180 quoting, a BOM, blank lines and CRLF, and names the line each record starts on', async () => {
    const text =
      '\ufeffdate,amount,category,label\r\n2026-10-01,12.50,Groceries,"a, b"\r\n\r\n2026-10-02,1.00,Home,"multi\r\nline ""quoted"""\r\n2026-10-03,2.00,Home,\r\n';
    const rows = await records(text);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 4, 6]);
    expect((await records(text.replaceAll('\r\n', '\n'))).map((r) => r.line)).toEqual([1, 2, 4, 6]);
    expect(rows[2]?.cells).toEqual(['2026-10-02', '1.00', 'Home', 'multi\r\nline "quoted"']);
    const header = readHeader(rows[0]?.cells ?? [], 1);
    if (!('columns' in header)) throw new Error('header rejected');
    expect(readRecord(header.columns, rows[1]?.cells ?? [], 2)).toEqual({
      ok: true,
      value: { date: '2026-10-01', amount: '12.50', category: 'Groceries', label: 'a, b', expenseType: 'VARIABLE', exclude: false },
    });
  });

  it('cancels its input when the reader stops early, so an upload left unread is not held open forever', async () => {
    let cancelled = false;
    const endless = (async function* () {
      try {
        for (;;) yield Buffer.from('2026-10-01,1.00,Home\n'.repeat(1_000));
      } finally {
        cancelled = true;
      }
    })();
    for await (const record of csvRecords(endless)) {
      expect(record.line).toBe(1);
      break;
    }
    for (let i = 0; i < 100 && !cancelled; i++) await new Promise((r) => setTimeout(r, 10));
    expect(cancelled).toBe(true);
  });

  it('accepts the columns in any order and rejects unknown, duplicate and missing ones', () => {
    expect(readHeader(['category', 'amount', 'date', 'exclude'], 1)).toEqual({ columns: ['category', 'amount', 'date', 'exclude'] });
    expect(readHeader(['date', 'date', 'colour'], 1)).toEqual({
      errors: [
        { line: 1, field: 'date', message: 'column appears twice' },
        { line: 1, field: 'colour', message: expect.stringContaining('unknown column') },
        { line: 1, field: 'amount', message: 'required column is missing' },
        { line: 1, field: 'category', message: 'required column is missing' },
      ],
    });
  });

  it('treats empty cells as absent, reads exclude flags, and lists every field error of a line', () => {
    const columns = ['date', 'amount', 'category', 'exclude', 'member', 'month'];
    expect(readRecord(columns, ['2026-10-01', '-3', 'Refunds', 'yes', '', ''], 7)).toEqual({
      ok: true,
      value: { date: '2026-10-01', amount: '-3', category: 'Refunds', exclude: true, expenseType: 'VARIABLE' },
    });
    expect(readRecord(columns, ['2026-02-30', '1.001', '', 'maybe', '', '2026-13'], 9)).toEqual({
      ok: false,
      errors: [
        { line: 9, field: 'date', message: 'must be a real calendar date YYYY-MM-DD' },
        { line: 9, field: 'month', message: 'must be a month YYYY-MM' },
        { line: 9, field: 'amount', message: 'must have at most 2 decimals' },
        { line: 9, field: 'category', message: 'is required' },
        { line: 9, field: 'exclude', message: 'must be true or false' },
      ],
    });
    expect(readRecord(columns, ['2026-10-01', '1.00', 'Home', '', 'm9', ''], 4, new Set(['m1']))).toEqual({
      ok: false,
      errors: [{ line: 4, field: 'member', message: 'unknown member "m9"' }],
    });
    expect(readRecord(columns, ['2026-10-01'], 3)).toEqual({
      ok: false,
      errors: [{ line: 3, field: '(row)', message: 'has 1 cells; the header has 6' }],
    });
  });

  it('reports every amount spelling and hostile text on its own line, never throwing', async () => {
    const text = [
      'date,amount,category,label',
      '2026-10-01,abc00,Home,',
      '2026-10-01,1e5,Home,',
      '2026-10-01,"1,000.00",Home,',
      '2026-10-01,NaN,Home,',
      '2026-10-01,١٢,Home,',
      '2026-10-01,5.00,Ho\u0000me,',
      '2026-10-01,5.00,Home,\uD800',
      '2026-10-01,5.00,Home,fine',
    ].join('\n');
    const [header, ...rows] = await records(text);
    const parsed = readHeader(header?.cells ?? [], 1);
    if (!('columns' in parsed)) throw new Error('header rejected');
    const errors = rows.flatMap((r) => {
      const record = readRecord(parsed.columns, r.cells, r.line);
      return record.ok ? [] : record.errors.map((e) => [e.line, e.field, e.message]);
    });
    expect(errors).toEqual([
      [2, 'amount', 'must be an amount like "12.50"'],
      [3, 'amount', 'must be an amount like "12.50"'],
      [4, 'amount', 'must be an amount like "12.50"'],
      [5, 'amount', 'must be an amount like "12.50"'],
      [6, 'amount', 'must be an amount like "12.50"'],
      [7, 'category', 'must not contain NUL characters or unpaired surrogates'],
      // A lone surrogate cannot survive UTF-8: the decoder turns it into U+FFFD, which is plain text.
    ]);
  });
});
