import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A tenant's generation: moved by everything that changes what an apply
 * reads besides the watermark (a month rebuilt from the raw rows, new
 * budget limits). An apply that reuses what it read last time writes only
 * if both the watermark and the generation are still what it read.
 */
export class WatermarkGeneration1765300000000 implements MigrationInterface {
  name = 'WatermarkGeneration1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE aggregation.watermarks ADD COLUMN generation bigint NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE aggregation.watermarks DROP COLUMN generation');
  }
}
