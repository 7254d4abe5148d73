import { DrainWorker, LOGGER } from '@ledgerline/runtime';
import { Inject, Injectable } from '@nestjs/common';
import type pino from 'pino';
import { ImportProcessor } from './import.processor';
import { ImportsRepository } from './imports.repository';

const POLL_MS = 2_000;

/**
 * Runs queued imports one at a time per replica, oldest first. Polling also
 * picks up imports another replica accepted, and ones whose replica died
 * mid-way (their transaction rolled back, so they simply run again).
 */
@Injectable()
export class ImportWorker extends DrainWorker {
  protected readonly pollMs = POLL_MS;

  constructor(
    private readonly imports: ImportsRepository,
    private readonly processor: ImportProcessor,
    @Inject(LOGGER) private readonly logger: pino.Logger,
  ) {
    super();
  }

  protected passFailed(err: unknown): void {
    this.logger.error({ err }, 'import worker failed');
  }

  protected async pass(): Promise<void> {
    for (let job = await this.imports.claimNext(); job && !this.stopped; job = await this.imports.claimNext()) {
      try {
        const outcome = await this.processor.run(job.id, job.tenantId, job.committedVersion);
        this.logger.info({ importId: job.id, ...outcome }, 'import finished');
      } catch (err) {
        // Infrastructure trouble (database, NATS): leave it claimed; it is retried once its heartbeat is stale.
        this.logger.error({ importId: job.id, err }, 'import interrupted; will be retried');
        return;
      }
    }
  }
}
