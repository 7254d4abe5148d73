import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { LatencyModule } from '../latency/latency.module';
import { TracesModule } from '../traces/traces.module';
import { MonitoringHandlers } from './monitoring.handlers';

@Module({ imports: [LatencyModule, TracesModule, AlertsModule], providers: [MonitoringHandlers], exports: [MonitoringHandlers] })
export class ApiModule {}
