import { Module, type DynamicModule, type InjectionToken } from '@nestjs/common';
import { HealthController } from './health.controller';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness';

export interface HealthModuleOptions {
  /** Global providers the checks need (the NATS bus, the DataSource, a Redis client). */
  inject: InjectionToken[];
  checks: (...deps: never[]) => ReadinessCheck[];
}

/** `/healthz`, `/readyz` (every check of the service's own dependencies) and `/metrics`. */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [{ provide: READINESS_CHECKS, inject: options.inject, useFactory: options.checks }],
    };
  }
}
