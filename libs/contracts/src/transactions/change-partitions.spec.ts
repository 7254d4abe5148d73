import { randomUUID } from 'node:crypto';
import {
  CHANGE_PARTITION_SUBJECTS,
  CHANGE_PARTITIONS,
  changePartition,
  changePartitionSubject,
  changeSubjectOf,
  fnv1a32,
  LEGACY_CHANGE_SUBJECT,
} from './change-partitions';

describe('change partitions', () => {
  it('hashes with FNV-1a 32 (reference vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('gives a tenant the same partition every time, whatever the case of its id', () => {
    const tenant = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
    // Pinned: producers and consumers of different releases must agree.
    expect(changePartition(tenant)).toBe(fnv1a32(tenant) % 16);
    expect(changePartition(tenant.toUpperCase())).toBe(changePartition(tenant));
    expect(changeSubjectOf(tenant)).toBe(`events.transactions.changed.v1.p${changePartition(tenant)}`);
  });

  it('stays in range and spreads tenants over every partition', () => {
    const counts = new Array<number>(CHANGE_PARTITIONS).fill(0);
    const tenants = 16_000;
    const seen = Array.from({ length: tenants }, () => changePartition(randomUUID()));
    expect(seen.every((p) => Number.isInteger(p) && p >= 0 && p < CHANGE_PARTITIONS)).toBe(true);
    for (const p of seen) counts[p] = (counts[p] ?? 0) + 1;
    const fair = tenants / CHANGE_PARTITIONS;
    for (const n of counts) {
      expect(n).toBeGreaterThan(fair * 0.85);
      expect(n).toBeLessThan(fair * 1.15);
    }
  });

  it('names subjects inside the stream, matched by the wildcard but not by the legacy subject', () => {
    expect(changePartitionSubject(7)).toBe('events.transactions.changed.v1.p7');
    expect(CHANGE_PARTITION_SUBJECTS).toBe('events.transactions.changed.v1.*');
    expect(LEGACY_CHANGE_SUBJECT).toBe('events.transactions.changed.v1');
  });
});
