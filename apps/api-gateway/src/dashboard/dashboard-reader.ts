import { AppError, cachedRead, MIN_VERSION_HEADER, versionAtLeast, versionString, type Version } from '@ledgerline/contracts';
import { NatsBus, Watermarks, type RawReply } from '@ledgerline/messaging';
import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { etagOf, matchesIfNoneMatch, sendCachedJson } from './cached-reply';
import type { DashboardRequest } from './dashboard-reads';
import { NearCache } from './near-cache';

/** How long a read asked for a version not applied yet waits for it before answering 503. */
const MIN_VERSION_WAIT_MS = 2_000;

/**
 * Answers dashboard reads: near-cache, else the cache-gateway (as the bytes it
 * stored), else the source; honours `Cache-Control: no-cache` and
 * `Ledgerline-Min-Version`.
 */
@Injectable()
export class DashboardReader {
  constructor(
    private readonly bus: NatsBus,
    private readonly near: NearCache,
    private readonly watermarks: Watermarks,
  ) {}

  /**
   * The near-cache's reply for a request that can be answered from it as is
   * (any `Ledgerline-Min-Version` already reflected). For the fast path, which
   * must decide before it charges the caller.
   */
  warmReply(headers: IncomingHttpHeaders, request: DashboardRequest): RawReply | undefined {
    const hit = wantsNoCache(headers) ? this.revalidated(headers, request) : this.nearHit(request);
    const min = headers[MIN_VERSION_HEADER_LOWER];
    if (!hit || min === undefined) return hit;
    const parsed = versionString.safeParse(min);
    return parsed.success && reflects(hit, parsed.data) ? hit : undefined;
  }

  /**
   * `no-cache` asks for figures validated at the source, unless the request is
   * itself a validation: an `If-None-Match` naming the near-cache's entry is
   * answered from it (a 304), since that entry is dropped by the very events
   * that would change it. Fetch adds `no-cache` to every conditional request,
   * so without this no browser revalidation could skip the recomputation.
   */
  private revalidated(headers: IncomingHttpHeaders, request: DashboardRequest): RawReply | undefined {
    const hit = this.nearHit(request);
    return hit && matchesIfNoneMatch(headers['if-none-match'], etagOf(hit)) ? hit : undefined;
  }

  private nearHit(request: DashboardRequest): RawReply | undefined {
    return this.near.get(request.contract.subject, request.payload.tenantId, keyOf(request), { countMiss: false });
  }

  /**
   * Answers with the figures and the version they reflect. With
   * `Ledgerline-Min-Version`, figures older than that version are never
   * sent: the read waits (bounded) for the tenant's watermark to reach it,
   * then asks the source, which is never behind the watermark; past the
   * bound it is a 503 with Retry-After.
   */
  async answer(req: FastifyRequest, res: FastifyReply, request: DashboardRequest): Promise<void> {
    sendCachedJson(req, res, await this.reply(req, request));
  }

  async reply(req: FastifyRequest, request: DashboardRequest): Promise<RawReply> {
    const min = minVersionOf(req);
    let reply = wantsNoCache(req.headers)
      ? (this.revalidated(req.headers, request) ?? (await this.source(request)))
      : await this.read(request);
    if (min !== undefined && !reflects(reply, min)) {
      // Applied is enough: the source has it even when a cache did not confirm its invalidation.
      if ((await this.watermarks.wait(request.payload.tenantId, min, MIN_VERSION_WAIT_MS)) === 'pending') {
        throw new AppError('service-unavailable', `The figures do not reflect version ${min} yet; retry shortly.`);
      }
      reply = await this.source(request);
    }
    return reply;
  }

  /** Straight from the owning service, past every cache. */
  source(request: DashboardRequest): Promise<RawReply> {
    return this.bus.requestRaw(request.contract, request.payload);
  }

  /** From the near-cache, else through the cache-gateway as the bytes it stored, else (no cache-gateway) from the source. */
  private async read(request: DashboardRequest): Promise<RawReply> {
    const { contract, payload } = request;
    const key = keyOf(request);
    const hit = this.near.get(contract.subject, payload.tenantId, key);
    if (hit) return hit;
    const generation = this.near.generation(payload.tenantId);
    const reply = await this.bus.requestRaw(cachedRead(contract), payload).catch((error: unknown) => {
      // No cache-gateway answering: the figures are still one hop away at the source.
      if (error instanceof AppError && error.code === 'service-unavailable') return undefined;
      throw error;
    });
    if (!reply) return this.source(request);
    this.near.set(payload.tenantId, key, reply, generation, { subject: contract.subject, payload });
    return reply;
  }
}

const MIN_VERSION_HEADER_LOWER = MIN_VERSION_HEADER.toLowerCase();

const keyOf = (request: DashboardRequest): string => `${request.contract.subject} ${JSON.stringify(request.payload)}`;

const wantsNoCache = (headers: IncomingHttpHeaders): boolean => {
  const header = headers['cache-control'];
  return header !== undefined && /\bno-cache\b/i.test(header);
};

function minVersionOf(req: FastifyRequest): Version | undefined {
  const header = req.headers[MIN_VERSION_HEADER_LOWER];
  if (header === undefined) return undefined;
  const parsed = versionString.safeParse(header);
  if (!parsed.success) {
    throw new AppError('malformed-request', `${MIN_VERSION_HEADER} must be a version returned by a write.`, [
      { field: MIN_VERSION_HEADER, message: 'must be a version returned by a write' },
    ]);
  }
  return parsed.data;
}

const reflects = (reply: RawReply, min: Version): boolean => reply.version !== undefined && versionAtLeast(reply.version, min);
