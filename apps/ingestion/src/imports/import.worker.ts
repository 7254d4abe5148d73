import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type pino from 'pino';
import { INGESTION_LOGGER } from '../logger.token';
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
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly imports: ImportsRepository,
    private readonly processor: ImportProcessor,
    @Inject(INGESTION_LOGGER) private readonly logger: pino.Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) => this.logger.error({ err }, 'import worker failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async drain(): Promise<void> {
    for (let job = await this.imports.claimNext(); job && !this.stopped; job = await this.imports.claimNext()) {
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
