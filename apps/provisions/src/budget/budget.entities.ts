import type { LineSplit } from '@ledgerline/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn, type ValueTransformer } from 'typeorm';

/** bigint cents in PostgreSQL ↔ bigint in JS (pg returns int8 as text). */
const cents: ValueTransformer = {
  to: (value: bigint | null | undefined) => (value === null || value === undefined ? value : value.toString()),
  from: (value: string | null) => (value === null ? null : BigInt(value)),
};

/** Keyed (tenant_id, id), the table's primary key: TypeORM's saves and deletes then name the tenant too. */
abstract class ScheduledLine {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'jsonb' })
  split!: LineSplit;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ name: 'start_month', type: 'char', length: 7, nullable: true })
  startMonth!: string | null;

  @Column({ name: 'end_month', type: 'char', length: 7, nullable: true })
  endMonth!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

@Entity({ name: 'fixed_lines' })
export class FixedLineEntity extends ScheduledLine {
  @Column({ type: 'text' })
  category!: string;

  @Column({ name: 'amount_cents', type: 'bigint', transformer: cents })
  amount!: bigint;

  @Column({ type: 'text' })
  frequency!: 'monthly' | 'quarterly' | 'yearly';
}

@Entity({ name: 'provisions' })
export class ProvisionEntity extends ScheduledLine {
  @Column({ type: 'text' })
  kind!: 'percent' | 'fixed';

  /** Percent of the base with at most 4 decimals, canonical text ("5", "12.5"). */
  @Column({ type: 'text', nullable: true })
  percent!: string | null;

  @Column({ type: 'text', nullable: true })
  base!: string | null;

  @Column({ name: 'amount_cents', type: 'bigint', nullable: true, transformer: cents })
  amount!: bigint | null;

  @Column({ name: 'target_cents', type: 'bigint', nullable: true, transformer: cents })
  target!: bigint | null;

  @Column({ name: 'saved_cents', type: 'bigint', transformer: cents })
  saved!: bigint;
}
