import { Module } from '@nestjs/common';
import { LatencyModule } from '../latency/latency.module';
import { SpanStore } from './span-store';
import { TracesController } from './traces.controller';

@Module({ imports: [LatencyModule], controllers: [TracesController], providers: [SpanStore], exports: [SpanStore] })
export class TracesModule {}
