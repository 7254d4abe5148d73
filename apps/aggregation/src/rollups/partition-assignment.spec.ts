import { decideLeases, fairShare, type LeaseView } from './partition-assignment';

const leases = (owners: readonly (string | null)[], expired: readonly number[] = []): LeaseView[] =>
  owners.map((owner, partition) => ({ partition, owner, expired: expired.includes(partition) }));
const all = (n: number, owner: string | null) => Array.from({ length: n }, () => owner);

describe('fairShare', () => {
  it('rounds up so every partition has room, and treats no live replica as one', () => {
    expect(fairShare(16, 1)).toBe(16);
    expect(fairShare(16, 2)).toBe(8);
    expect(fairShare(16, 3)).toBe(6);
    expect(fairShare(16, 6)).toBe(3);
    expect(fairShare(16, 0)).toBe(16);
  });
});

describe('decideLeases', () => {
  it('lets a lone replica claim every free partition', () => {
    const d = decideLeases({ replica: 'a', partitions: 16, liveReplicas: 1, leases: leases(all(16, null)) });
    expect(d).toEqual({ keep: [], release: [], claim: Array.from({ length: 16 }, (_, i) => i) });
  });

  it('makes a replica holding everything release the half above its share when a second one is live', () => {
    const d = decideLeases({ replica: 'a', partitions: 16, liveReplicas: 2, leases: leases(all(16, 'a')) });
    expect(d.keep).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(d.release).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    expect(d.claim).toEqual([]);
  });

  it('claims nothing held by a live owner, and free ones only up to the share', () => {
    const owners = [...all(8, 'a'), ...all(4, null), ...all(4, 'b')];
    expect(decideLeases({ replica: 'b', partitions: 16, liveReplicas: 2, leases: leases(owners) })).toEqual({
      keep: [12, 13, 14, 15],
      release: [],
      claim: [8, 9, 10, 11],
    });
    expect(decideLeases({ replica: 'c', partitions: 16, liveReplicas: 3, leases: leases(owners) }).claim).toEqual([8, 9, 10, 11]);
    expect(decideLeases({ replica: 'b', partitions: 16, liveReplicas: 3, leases: leases(owners) }).claim).toEqual([8, 9]);
  });

  it('takes over the expired leases of a replica that stopped renewing', () => {
    const owners = [...all(8, 'a'), ...all(8, 'dead')];
    const d = decideLeases({ replica: 'a', partitions: 16, liveReplicas: 1, leases: leases(owners, [8, 9, 10, 11, 12, 13, 14, 15]) });
    expect(d).toEqual({ keep: [0, 1, 2, 3, 4, 5, 6, 7], release: [], claim: [8, 9, 10, 11, 12, 13, 14, 15] });
    // Not yet expired: left alone, however few replicas look live.
    expect(decideLeases({ replica: 'a', partitions: 16, liveReplicas: 1, leases: leases(owners) }).claim).toEqual([]);
  });

  it('keeps its own lease even when expired (nobody claimed it) and renews it', () => {
    const d = decideLeases({ replica: 'a', partitions: 4, liveReplicas: 1, leases: leases(['a', 'a', null, null], [0]) });
    expect(d).toEqual({ keep: [0, 1], release: [], claim: [2, 3] });
  });

  it('starts its claims at its offset, wrapping, so simultaneous claimers mostly differ', () => {
    const d = decideLeases({ replica: 'b', partitions: 8, liveReplicas: 2, leases: leases(all(8, null)), offset: 6 });
    expect(d.claim).toEqual([6, 7, 0, 1]);
  });

  it('ignores lease rows beyond the partition count (a count lowered since)', () => {
    const d = decideLeases({ replica: 'a', partitions: 2, liveReplicas: 1, leases: leases(['a', null, 'a', null]) });
    expect(d).toEqual({ keep: [0], release: [], claim: [1] });
  });

  it('converges: replicas taking turns end up holding every partition once, evenly', () => {
    const state = leases(all(16, null));
    const replicas = ['a', 'b', 'c'];
    for (let round = 0; round < 5; round++) {
      for (const [i, replica] of replicas.entries()) {
        const d = decideLeases({ replica, partitions: 16, liveReplicas: 3, leases: state, offset: i * 5 });
        for (const p of d.release) state[p] = { partition: p, owner: null, expired: false };
        for (const p of d.claim) if (state[p]?.owner === null) state[p] = { partition: p, owner: replica, expired: false };
      }
    }
    const held = replicas.map((r) => state.filter((l) => l.owner === r).length);
    expect(state.every((l) => l.owner !== null)).toBe(true);
    expect(Math.max(...held)).toBeLessThanOrEqual(6);
    expect(held.reduce((a, b) => a + b, 0)).toBe(16);
  });
});
