import {
  alertsQuerySchema,
  faultsBodySchema,
  getPerformance,
  getReport,
  listAlerts,
  performanceQuerySchema,
  type Alert,
  type AlertState,
  type Fault,
  type FaultsBody,
  type PerformanceReport,
  type PerformanceSnapshot,
} from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { faults } from '@ledgerline/runtime';
import { Body, Controller, Delete, Get, HttpCode, Put, Query, UseGuards } from '@nestjs/common';
import { AdminGuard } from '../auth/auth.guards';
import { ZodPipe } from '../http/zod-body.pipe';

/**
 * Operator views across every tenant's traffic, so the admin key only.
 * The monitoring service answers over NATS.
 */
@Controller('v1/monitoring')
@UseGuards(AdminGuard)
export class MonitoringController {
  constructor(private readonly bus: NatsBus) {}

  @Get('performance')
  performance(@Query(new ZodPipe(performanceQuerySchema, 'query')) q: { window: string }): Promise<PerformanceSnapshot> {
    return this.bus.request(getPerformance, q);
  }

  @Get('alerts')
  alerts(@Query(new ZodPipe(alertsQuerySchema, 'query')) q: { state?: AlertState; limit: number }): Promise<{ alerts: Alert[] }> {
    return this.bus.request(listAlerts, q);
  }

  @Get('report')
  report(@Query(new ZodPipe(performanceQuerySchema, 'query')) q: { window: string }): Promise<PerformanceReport> {
    return this.bus.request(getReport, q);
  }

  /** Drill faults of this gateway process (other services take FAULTS from their environment). */
  @Get('faults')
  listFaults(): { faults: Fault[] } {
    return { faults: faults.list() };
  }

  @Put('faults')
  setFaults(@Body(new ZodPipe(faultsBodySchema)) body: FaultsBody): { faults: Fault[] } {
    faults.set(body.faults);
    return { faults: faults.list() };
  }

  @Delete('faults')
  @HttpCode(204)
  clearFaults(): void {
    faults.set([]);
  }
}
