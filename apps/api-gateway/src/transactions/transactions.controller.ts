import {
  AppError,
  deleteTransaction,
  getTenantConfig,
  ingestTransactions,
  MAX_BATCH_ROWS,
  rowErrors,
  searchTransactions,
  transactionBatchSchema,
  transactionPatchSchema,
  transactionSearchQuerySchema,
  updateTransaction,
  VERSION_HEADER,
  type IngestResult,
  type Transaction,
  type TransactionPage,
  type TransactionPatch,
  type TransactionSearchQuery,
  type Version,
  type WriteOutcome,
} from '@ledgerline/contracts';
import { NatsBus, Watermarks } from '@ledgerline/messaging';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Tenant, TenantGuard, type TenantPrincipal } from '../auth/auth.guards';
import { UuidParamPipe } from '../http/uuid-param.pipe';
import { byRow, unknownMemberErrors } from './batch-errors';
import { ZodPipe } from '../http/zod-body.pipe';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../tokens';

/** A full batch is one PostgreSQL statement, but 10,000 rows still need more than the default request timeout. */
const INGEST_TIMEOUT_MS = 30_000;

/** `true` once the dashboards reflect a delete; `false` when they will catch up later. */
export const APPLIED_HEADER = 'ledgerline-applied';

@Controller('v1/transactions')
@UseGuards(TenantGuard)
export class TransactionsController {
  constructor(
    private readonly bus: NatsBus,
    private readonly watermarks: Watermarks,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post()
  @HttpCode(201)
  async ingest(
    @Tenant() tenant: TenantPrincipal,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IngestResult> {
    const rows = (body as { transactions?: unknown } | null)?.transactions;
    if (Array.isArray(rows) && rows.length > MAX_BATCH_ROWS) {
      throw new AppError('payload-too-large', `A batch holds at most ${MAX_BATCH_ROWS} transactions; this one has ${rows.length}.`);
    }
    const parsed = transactionBatchSchema.safeParse(body);
    if (!parsed.success) {
      const formatErrors = rowErrors(parsed.error, 'transactions');
      // Unknown members too, so one answer lists every error; without the member list (its owner down) the format errors still go out.
      const members = await this.bus.request(getTenantConfig, { tenantId: tenant.tenantId }).then(
        (config) => new Set(config.members.map((m) => m.id)),
        () => undefined,
      );
      const memberErrors = members ? unknownMemberErrors(body, members, formatErrors) : [];
      throw new AppError(
        'validation-failed',
        'Some transactions are invalid; none were stored.',
        byRow([...formatErrors, ...memberErrors]),
      );
    }
    const committed = await this.bus.request(
      ingestTransactions,
      { tenantId: tenant.tenantId, batch: parsed.data },
      { timeoutMs: INGEST_TIMEOUT_MS },
    );
    return this.settle(tenant, reply, committed);
  }

  /** A read like the dashboards (the `reads` rate-limit class), answered by ingestion, which owns the rows. */
  @Get()
  search(
    @Tenant() tenant: TenantPrincipal,
    @Query(new ZodPipe(transactionSearchQuerySchema, 'query')) query: TransactionSearchQuery,
  ): Promise<TransactionPage> {
    return this.bus.request(searchTransactions, { tenantId: tenant.tenantId, query });
  }

  @Patch(':id')
  async update(
    @Tenant() tenant: TenantPrincipal,
    @Param('id', new UuidParamPipe('transaction id')) id: string,
    @Body(new ZodPipe(transactionPatchSchema)) patch: TransactionPatch,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Transaction & WriteOutcome> {
    return this.settle(tenant, reply, await this.bus.request(updateTransaction, { tenantId: tenant.tenantId, id, patch }));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(
    @Tenant() tenant: TenantPrincipal,
    @Param('id', new UuidParamPipe('transaction id')) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const { applied } = await this.settle(tenant, reply, await this.bus.request(deleteTransaction, { tenantId: tenant.tenantId, id }));
    // A 204 has no body to say it in: the dashboards' state travels in a header.
    void reply.header(APPLIED_HEADER, String(applied));
  }

  /**
   * Ingestion answers once the write committed; whether the dashboards already reflect it is learned here,
   * from the tenant's watermark (bounded): `applied` is true once the rollups hold the version and no cache
   * holds older figures. Every write also carries its version in a header (a 204 has no body).
   */
  private async settle<T extends { version: Version }>(
    tenant: TenantPrincipal,
    reply: FastifyReply,
    committed: T,
  ): Promise<Omit<T, 'version'> & WriteOutcome> {
    void reply.header(VERSION_HEADER, committed.version);
    const applied = (await this.watermarks.wait(tenant.tenantId, committed.version, this.config.APPLY_TIMEOUT_MS)) === 'fresh';
    const { version, ...rest } = committed;
    return { ...rest, applied, version };
  }
}
