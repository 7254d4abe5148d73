import { Module } from '@nestjs/common';
import { SpanStore } from './span-store';
import { TracesController } from './traces.controller';

@Module({ controllers: [TracesController], providers: [SpanStore], exports: [SpanStore] })
export class TracesModule {}
