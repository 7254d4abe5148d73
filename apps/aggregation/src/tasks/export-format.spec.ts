import type { Transaction } from '@ledgerline/contracts';
import { EXPORT_FORMATS } from './export-format';

const row = (extra: Partial<Transaction> = {}): Transaction => ({
  id: '0b6f2f7e-8a4c-4c5e-9a63-2f1f6d0e9b11',
  externalId: null,
  date: '2026-10-03',
  month: '2026-10',
  label: null,
  amount: '-4.99',
  category: 'Groceries',
  subcategory: 'Other',
  expenseType: 'VARIABLE',
  member: 'm1',
  exclude: false,
  ...extra,
});

describe('export formats', () => {
  it('writes RFC 4180 CSV with the import column names', () => {
    const { begin, rows, end } = EXPORT_FORMATS.csv;
    const text = begin() + rows([row({ label: 'a, "b"\nc' }), row({ exclude: true, member: null })], true) + end();
    expect(text).toBe(
      'id,externalId,date,month,label,amount,category,subcategory,expenseType,member,exclude\r\n' +
        '0b6f2f7e-8a4c-4c5e-9a63-2f1f6d0e9b11,,2026-10-03,2026-10,"a, ""b""\nc",-4.99,Groceries,Other,VARIABLE,m1,false\r\n' +
        '0b6f2f7e-8a4c-4c5e-9a63-2f1f6d0e9b11,,2026-10-03,2026-10,,-4.99,Groceries,Other,VARIABLE,,true\r\n',
    );
  });

  it('quotes a bare carriage return or line feed, not only a full CRLF', () => {
    expect(EXPORT_FORMATS.csv.rows([row({ label: 'a\rb', subcategory: 'c\nd' })], true)).toBe(
      '0b6f2f7e-8a4c-4c5e-9a63-2f1f6d0e9b11,,2026-10-03,2026-10,"a\rb",-4.99,Groceries,"c\nd",VARIABLE,m1,false\r\n',
    );
  });

  it('writes one JSON array across chunks, empty included', () => {
    const { begin, rows, end } = EXPORT_FORMATS.json;
    const text = begin() + rows([row()], true) + rows([row({ amount: '1.00' }), row()], false) + end();
    expect(JSON.parse(text)).toHaveLength(3);
    expect(JSON.parse(begin() + end())).toEqual([]);
  });
});
