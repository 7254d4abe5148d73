import { decodeCursor, searchWords, type TransactionSearchQuery } from '@ledgerline/contracts';
import { parseMoney } from '@ledgerline/money';
import { TRANSACTION_COLUMNS } from '../transactions/transactions.repository';

/** The stored, indexed lexemes of label, category and subcategory (see the search migration). */
export const SEARCH_DOCUMENT = 'search';

export interface SqlQuery {
  text: string;
  values: unknown[];
}

/**
 * `q` as a tsquery: every word must start a word of the row (prefix match,
 * so "groc" finds "Groceries"). Words are letters and digits only, each
 * quoted as one lexeme, so nothing a client types is tsquery syntax — also
 * after `unaccent` (applied in SQL, as on the indexed side) rewrites it.
 */
export function tsQueryOf(q: string): string | null {
  const words = searchWords(q);
  return words.length === 0 ? null : words.map((word) => `'${word}':*`).join(' & ');
}

/** The tsquery parameter through the same `unaccent` dictionary the index used. */
const SEARCH_QUERY = (param: string) => `to_tsquery('simple', ingestion.unaccent('ingestion.unaccent'::regdictionary, ${param}))`;

/**
 * Word searches look at the newest rows this many at a time first: for a
 * common word (or words that come together, which the planner takes for
 * independent and so rare) a page is found among the newest few thousand
 * rows, read in index order, long before a bitmap of every match is built
 * and sorted.
 */
export const NEWEST_ROWS_FIRST = 4_000;

/**
 * One page of a search as one statement with only the conditions asked for:
 * a generic plan over `($n IS NULL OR …)` hides from the planner which
 * filters are present, and with them which index fits. Every value is a
 * parameter. Reads one row past the page to know whether there is a next one.
 *
 * With `newestRows`, only that many newest rows passing the other filters
 * are searched for the words (null when there are no words): when that
 * finds more than a page, the page is exactly the full search's (every row
 * outside is older than every row inside); otherwise the caller runs the
 * full search.
 */
export function buildSearchQuery(tenantId: string, query: TransactionSearchQuery): SqlQuery;
export function buildSearchQuery(tenantId: string, query: TransactionSearchQuery, newestRows: number): SqlQuery | null;
export function buildSearchQuery(tenantId: string, query: TransactionSearchQuery, newestRows?: number): SqlQuery | null {
  const values: unknown[] = [tenantId];
  const param = (value: unknown, cast = '') => {
    values.push(value);
    return `$${values.length}${cast}`;
  };
  const where = ['tenant_id = $1'];
  if (query.from !== undefined) where.push(`date >= ${param(query.from, '::date')}`);
  if (query.to !== undefined) where.push(`date <= ${param(query.to, '::date')}`);
  if (query.category !== undefined) where.push(`category = ${param(query.category)}`);
  if (query.subcategory !== undefined) where.push(`subcategory = ${param(query.subcategory)}`);
  if (query.member !== undefined) where.push(`member = ${param(query.member)}`);
  if (query.expenseType !== undefined) where.push(`expense_type = ${param(query.expenseType)}`);
  if (query.minAmount !== undefined) where.push(`amount_cents >= ${param(cents(query.minAmount), '::bigint')}`);
  if (query.maxAmount !== undefined) where.push(`amount_cents <= ${param(cents(query.maxAmount), '::bigint')}`);
  if (query.excluded !== undefined) where.push(`exclude = ${param(query.excluded === 'true')}`);
  const after = decodeCursor(query.cursor);
  if (after !== null) where.push(`(date, id) < (${param(after.date, '::date')}, ${param(after.id, '::uuid')})`);
  const tsQuery = query.q === undefined ? null : tsQueryOf(query.q);
  const words = tsQuery === null ? null : `${SEARCH_DOCUMENT} @@ ${SEARCH_QUERY(param(tsQuery))}`;
  // Ordered by the table's columns (`t.date`), not the selected text `date`: only the column order matches an index.
  const newestFirst = 'ORDER BY t.date DESC, t.id DESC';
  if (newestRows !== undefined) {
    if (words === null) return null;
    const newest = `SELECT * FROM ingestion.transactions t WHERE ${where.join(' AND ')} ${newestFirst} LIMIT ${param(newestRows)}`;
    return {
      text: `SELECT ${TRANSACTION_COLUMNS} FROM (${newest}) t WHERE ${words} ${newestFirst} LIMIT ${param(query.limit + 1)}`,
      values,
    };
  }
  if (words !== null) where.push(words);
  return {
    text: `SELECT ${TRANSACTION_COLUMNS} FROM ingestion.transactions t WHERE ${where.join(' AND ')} ${newestFirst} LIMIT ${param(query.limit + 1)}`,
    values,
  };
}

function cents(amount: string): string {
  const parsed = parseMoney(amount);
  if (!parsed.ok) throw new Error(`validated amount did not parse: ${parsed.reason}`);
  return parsed.value.toString();
}
