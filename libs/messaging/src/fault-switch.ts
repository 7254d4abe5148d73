import { setFaultsOf } from '@ledgerline/contracts';
import { faults } from '@ledgerline/runtime';
import { hostname } from 'node:os';
import type pino from 'pino';
import type { NatsBus } from './nats-bus';

/**
 * Lets a drill switch this replica's faults at runtime over NATS (`setFaultsOf(service)`)
 * instead of restarting it with FAULTS. Not served at all where fault injection is
 * disabled, so in production the subject has no responders.
 */
export function serveFaultSwitch(bus: NatsBus, service: string, logger: pino.Logger): void {
  if (!faults.enabled) return;
  const replica = `${hostname()}:${process.pid}`;
  bus.serve(setFaultsOf(service), async ({ faults: list }) => {
    faults.set(list);
    logger.warn({ faults: list }, list.length > 0 ? 'drill faults set at runtime' : 'drill faults cleared at runtime');
    return { replica, faults: faults.list() };
  });
}
