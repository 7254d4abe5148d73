import { PresenceTable } from './replica-presence';

describe('PresenceTable', () => {
  let now: number;
  const table = (assumed = 2) => new PresenceTable('self', 6_000, assumed, () => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('assumes the configured count until its own announcement has been heard', () => {
    const t = table(3);
    t.heard('a');
    expect(t.count()).toBe(3);
    t.heard('self');
    expect(t.count()).toBe(2);
  });

  it('counts distinct replicas heard within the window, itself included', () => {
    const t = table();
    for (const id of ['self', 'a', 'b', 'a', 'self', 'b']) t.heard(id);
    expect(t.count()).toBe(3);
  });

  it('drops a replica unheard for longer than the window, and counts it again when it returns', () => {
    const t = table();
    t.heard('self');
    t.heard('a');
    t.heard('b');
    now += 4_000;
    t.heard('self');
    t.heard('a');
    now += 2_001; // b last heard 6 001 ms ago
    expect(t.count()).toBe(2);
    t.heard('b');
    expect(t.count()).toBe(3);
  });

  it('falls back to the assumed count when nothing came back (NATS silent), never below 1', () => {
    const t = table(0);
    t.heard('self');
    t.heard('a');
    now += 6_001;
    expect(t.count()).toBe(1);
    expect(table(4).count()).toBe(4);
  });
});
