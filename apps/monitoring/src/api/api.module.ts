import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { LatencyModule } from '../latency/latency.module';
import { SloModule } from '../slo/slo.module';
import { TracesModule } from '../traces/traces.module';
import { MonitoringHandlers } from './monitoring.handlers';

@Module({ imports: [LatencyModule, TracesModule, AlertsModule, SloModule], providers: [MonitoringHandlers], exports: [MonitoringHandlers] })
export class ApiModule {}
