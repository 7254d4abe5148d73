import type { NatsBus } from './nats-bus';
import { Watermarks } from './watermarks';

/** Only the bus's two seams Watermarks uses: events are delivered by hand, and aggregation never answers. */
function watermarks(): Watermarks {
  const bus = {
    subscribe: () => undefined,
    request: () => Promise.reject(new Error('no responders')),
  } as unknown as NatsBus;
  return new Watermarks(bus);
}

describe('Watermarks', () => {
  it('releases a waiter once its version is applied and the caches confirmed', async () => {
    const marks = watermarks();
    const waiting = marks.wait('t', '3', 5_000);
    marks.advance('t', '2', true);
    marks.advance('t', '3', true);
    await expect(waiting).resolves.toBe('fresh');
    await expect(marks.wait('t', '1', 5_000)).resolves.toBe('fresh');
  });

  it('says applied, not fresh, when the caches did not confirm, and fresh once a later event confirms', async () => {
    const marks = watermarks();
    const waiting = marks.wait('t', '5', 5_000);
    marks.advance('t', '5', false);
    await expect(waiting).resolves.toBe('applied');
    marks.advance('t', '5', true);
    await expect(marks.wait('t', '5', 5_000)).resolves.toBe('fresh');
  });

  it('answers pending past the bound, and keeps tenants apart', async () => {
    const marks = watermarks();
    marks.advance('other', '9', true);
    await expect(marks.wait('t', '1', 20)).resolves.toBe('pending');
  });

  it('never moves backwards on a late event', async () => {
    const marks = watermarks();
    marks.advance('t', '7', true);
    marks.advance('t', '4', true);
    await expect(marks.wait('t', '7', 20)).resolves.toBe('fresh');
  });
});
