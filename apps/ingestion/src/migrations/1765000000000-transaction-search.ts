import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /v1/transactions`: newest-first keyset pages per tenant, optionally
 * of one member or category, and word search over label, category and
 * subcategory, case- and accent-insensitive.
 *
 * Search is PostgreSQL full text, not trigrams: the API matches words (by
 * prefix), which a GIN index over `simple` lexemes answers exactly, while a
 * trigram LIKE also matches inside words ("arch" would find "Marché"). At
 * 600k rows both answered the same word searches in comparable time, with
 * the full-text index the smaller (32 MB against 50 MB). The document is a
 * stored column, not only an index expression: computing unaccent +
 * to_tsvector costs ~8 µs a row, which a search walking the newest rows (a
 * common word, a member or category filter) would pay for every row it
 * looks at (a search without indexes over 100k rows: 785 ms with the
 * expression, 241 ms with the column).
 * `unaccent` is only STABLE (its dictionary could change), so a generated
 * column cannot call it directly: `search_document` fixes the dictionary
 * and is declared IMMUTABLE; its SQL-standard body is bound at creation, so
 * no search_path can redirect it.
 */
export class TransactionSearch1765000000000 implements MigrationInterface {
  name = 'TransactionSearch1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA ingestion');
    await q.query(`
      CREATE FUNCTION ingestion.search_document(label text, category text, subcategory text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        RETURN to_tsvector('simple'::regconfig,
                           ingestion.unaccent('ingestion.unaccent'::regdictionary, coalesce(label, '') || ' ' || category || ' ' || subcategory))`);
    await q.query(`
      ALTER TABLE ingestion.transactions
        ADD COLUMN search tsvector GENERATED ALWAYS AS (ingestion.search_document(label, category, subcategory)) STORED`);
    await q.query('CREATE INDEX transactions_search_idx ON ingestion.transactions USING gin (search)');
    // Keyset pages, newest first: the whole tenant, one member, one category (a subcategory is within its category).
    await q.query('CREATE INDEX transactions_tenant_date_idx ON ingestion.transactions (tenant_id, date DESC, id DESC)');
    await q.query('CREATE INDEX transactions_member_date_idx ON ingestion.transactions (tenant_id, member, date DESC, id DESC)');
    await q.query('CREATE INDEX transactions_category_date_idx ON ingestion.transactions (tenant_id, category, date DESC, id DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ingestion.transactions_category_date_idx');
    await q.query('DROP INDEX ingestion.transactions_member_date_idx');
    await q.query('DROP INDEX ingestion.transactions_tenant_date_idx');
    await q.query('DROP INDEX ingestion.transactions_search_idx');
    await q.query('ALTER TABLE ingestion.transactions DROP COLUMN search');
    await q.query('DROP FUNCTION ingestion.search_document(text, text, text)');
    await q.query('DROP EXTENSION IF EXISTS unaccent');
  }
}
