import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { LatencyModule } from '../latency/latency.module';
import { SloModule } from '../slo/slo.module';
import { TracesModule } from '../traces/traces.module';
import { StatusController } from './status.controller';

@Module({ imports: [AlertsModule, LatencyModule, TracesModule, SloModule], controllers: [StatusController] })
export class StatusModule {}
