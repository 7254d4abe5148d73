import { DrainLoop, LOGGER } from '@ledgerline/runtime';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
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
export class ImportWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop = new DrainLoop(() => this.drain(), {
    everyMs: POLL_MS,
    onError: (err) => this.logger.error({ err }, 'import worker failed'),
  });

  constructor(
    private readonly imports: ImportsRepository,
    private readonly processor: ImportProcessor,
    @Inject(LOGGER) private readonly logger: pino.Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  kick(): void {
    this.loop.kick();
  }

  private async drain(): Promise<void> {
    for (let job = await this.imports.claimNext(); job && !this.loop.stopped; job = await this.imports.claimNext()) {
      try {
        const outcome = await this.processor.run(job.id, job.tenantId);
        this.logger.info({ importId: job.id, ...outcome }, 'import finished');
      } catch (err) {
        // Infrastructure trouble (database, NATS): leave it claimed; it is retried once its heartbeat is stale.
        this.logger.error({ importId: job.id, err }, 'import interrupted; will be retried');
        return;
      }
    }
  }
}
