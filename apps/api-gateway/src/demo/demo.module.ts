import { Module } from '@nestjs/common';
import { DemoController } from './demo.controller';

/** `/demo`: a living dashboard page for people trying Ledgerline (see the README's "First five minutes"). */
@Module({ controllers: [DemoController] })
export class DemoModule {}
