import { getTenantConfig, type TenantConfig } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import pino from 'pino';

/** The tenant every peer answers with unless told otherwise: one member, equal split. */
const ONE_MEMBER: TenantConfig['members'] = [{ id: 'm1', name: 'A', monthlyRevenue: '1.00', taxRate: '0' }];

/**
 * A NATS peer that plays provisions (the owner of tenant config) on the real
 * bus, for a service tested without it; the caller may serve more on it and
 * sends its own requests through it. Close it after the test.
 */
export async function provisionsPeer(
  url: string,
  options: { members?: TenantConfig['members']; requestTimeoutMs?: number } = {},
): Promise<NatsBus> {
  const peer = await NatsBus.connect({
    url,
    name: 'it-provisions',
    requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
    logger: pino({ level: 'silent' }),
  });
  const members = options.members ?? ONE_MEMBER;
  peer.serve(getTenantConfig, async (req) => ({
    id: req.tenantId,
    name: 'T',
    currency: 'EUR',
    split: { mode: 'equal' as const },
    members,
  }));
  await peer.connection.flush();
  return peer;
}
