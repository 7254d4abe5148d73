/** A partition's lease as read from `aggregation.change_partitions`. */
export interface LeaseView {
  partition: number;
  owner: string | null;
  /** Its TTL ran out without a renewal (PostgreSQL's clock): free for anyone to claim. */
  expired: boolean;
}

export interface LeaseDecision {
  /** This replica's leases to renew. */
  keep: number[];
  /** This replica's leases beyond its fair share: stop their consumers, then release them. */
  release: number[];
  /** Free or expired leases to claim, up to the fair share. */
  claim: number[];
}

/** Partitions a replica should hold when `liveReplicas` share `partitions`: rounded up, so none is left over. */
export function fairShare(partitions: number, liveReplicas: number): number {
  return Math.ceil(partitions / Math.max(1, liveReplicas));
}

/**
 * One replica's move, from a snapshot of the leases and the number of live replicas (itself included):
 * keep its own up to its fair share (lowest first, so a replica's set is stable), release the rest, and
 * claim free or expired ones until it holds its share. Claims start at `offset` and wrap, so replicas that
 * claim at the same moment mostly ask for different partitions; a claim another replica wins is simply not
 * granted, and the next heartbeat evens things out.
 */
export function decideLeases(input: {
  replica: string;
  partitions: number;
  liveReplicas: number;
  leases: readonly LeaseView[];
  offset?: number;
}): LeaseDecision {
  const { replica, partitions } = input;
  const share = fairShare(partitions, input.liveReplicas);
  const inRange = input.leases.filter((l) => l.partition >= 0 && l.partition < partitions);
  const mine = inRange
    .filter((l) => l.owner === replica)
    .map((l) => l.partition)
    .sort((a, b) => a - b);
  const keep = mine.slice(0, share);
  const release = mine.slice(share);
  const wanted = share - keep.length;
  const offset = (((input.offset ?? 0) % partitions) + partitions) % partitions;
  const free = inRange
    .filter((l) => l.owner !== replica && (l.owner === null || l.expired))
    .map((l) => l.partition)
    .sort((a, b) => ((a - offset + partitions) % partitions) - ((b - offset + partitions) % partitions));
  return { keep, release, claim: wanted > 0 ? free.slice(0, wanted) : [] };
}
