import { AppError, faultSchema, type Fault } from '@ledgerline/contracts';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { z } from 'zod';

const tracer = trace.getTracer('@ledgerline/runtime/faults');

/**
 * Faults active in this process (drills only). Empty unless set from the
 * FAULTS environment variable at boot or by an admin route; the lookup on the
 * hot path is one Map get.
 */
export class FaultRegistry {
  private byTarget = new Map<string, Fault>();

  constructor(readonly enabled: boolean) {}

  set(faults: readonly Fault[]): void {
    if (!this.enabled && faults.length > 0)
      throw new AppError('forbidden', 'Fault injection is disabled in this environment (FAULT_INJECTION_ENABLED).');
    this.byTarget = new Map(faults.map((f) => [f.target, f]));
  }

  /** Whether any fault is set: the hot path asks this before building a target name. */
  get any(): boolean {
    return this.byTarget.size > 0;
  }

  list(): Fault[] {
    return [...this.byTarget.values()];
  }

  /** Whether a handler of `target` that supports skipping should skip its work (drills of lost updates). */
  skips(target: string): boolean {
    return this.byTarget.size > 0 && this.byTarget.get(target)?.skip === true;
  }

  /**
   * Applies the fault for `target`, if any, inside a `fault.injected` span so
   * the waiting shows up in traces as what it is.
   */
  async apply(target: string): Promise<void> {
    if (this.byTarget.size === 0) return;
    const fault = this.byTarget.get(target);
    if (!fault) return;
    const fail = fault.errorRate > 0 && Math.random() < fault.errorRate;
    await tracer.startActiveSpan(
      'fault.injected',
      { attributes: { 'fault.injected': true, 'fault.target': target, 'fault.delay_ms': fault.delayMs, 'fault.error': fail } },
      async (span) => {
        if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        if (fail) span.setStatus({ code: SpanStatusCode.ERROR, message: 'injected error' });
        span.end();
      },
    );
    if (fail) throw new AppError('service-unavailable', 'Injected fault (drill).');
  }
}

const envSchema = z.object({
  FAULT_INJECTION_ENABLED: z.enum(['true', 'false']).optional(),
  NODE_ENV: z.string().optional(),
  FAULTS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return [];
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'FAULTS must be a JSON array of {target, delayMs, errorRate}' });
        return z.NEVER;
      }
    })
    .pipe(z.array(faultSchema)),
});

/**
 * Fault injection is on by default outside production, off in production
 * unless FAULT_INJECTION_ENABLED=true. FAULTS holds the faults to start with.
 */
export function faultRegistryFromEnv(env: NodeJS.ProcessEnv): FaultRegistry {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success)
    throw new Error(`Invalid fault injection settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const enabled =
    parsed.data.FAULT_INJECTION_ENABLED === undefined
      ? parsed.data.NODE_ENV !== 'production'
      : parsed.data.FAULT_INJECTION_ENABLED === 'true';
  const registry = new FaultRegistry(enabled);
  if (parsed.data.FAULTS.length > 0) registry.set(parsed.data.FAULTS);
  return registry;
}

/** The process-wide registry: HTTP hooks, NATS handlers and admin routes share it. */
export const faults: FaultRegistry = faultRegistryFromEnv(process.env);
