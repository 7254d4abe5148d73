import { Controller, Get, Header, Inject, Optional, Res, type OnModuleDestroy } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { metricsRegistry } from './metrics';
import { READINESS_CHECKS, reportReadiness, runCheck, type ReadinessCheck } from './readiness';

/** While unready, checks rerun on their own this often, so what follows readiness also recovers without a prober. */
const RECHECK_MS = 5_000;

@Controller()
export class HealthController implements OnModuleDestroy {
  private recheck: NodeJS.Timeout | undefined;

  constructor(@Optional() @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[] = []) {}

  onModuleDestroy(): void {
    clearInterval(this.recheck);
  }

  /** Runs every check and tells readiness listeners (NATS queue groups follow what the kubelet sees). */
  private async evaluate(): Promise<{ ready: boolean; checks: Record<string, 'up' | 'down'> }> {
    const results = await Promise.all(this.checks.map(async (c) => [c.name, await runCheck(c)] as const));
    const ready = results.every(([, ok]) => ok);
    reportReadiness(Object.fromEntries(results));
    if (!ready && !this.recheck) {
      this.recheck = setInterval(() => void this.evaluate(), RECHECK_MS);
      this.recheck.unref();
    } else if (ready && this.recheck) {
      clearInterval(this.recheck);
      this.recheck = undefined;
    }
    return { ready, checks: Object.fromEntries(results.map(([name, ok]) => [name, ok ? 'up' : 'down'])) };
  }

  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    const { ready, checks } = await this.evaluate();
    await reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
  }

  @Get('metrics')
  @Header('Content-Type', metricsRegistry.contentType)
  async metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
