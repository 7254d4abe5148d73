import { Module } from '@nestjs/common';
import { TransactionsModule } from '../transactions/transactions.module';
import { ImportProcessor } from './import.processor';
import { ImportWorker } from './import.worker';
import { ImportsHandlers } from './imports.handlers';
import { ImportsRepository } from './imports.repository';
import { ImportsService } from './imports.service';

@Module({
  imports: [TransactionsModule],
  providers: [ImportsRepository, ImportProcessor, ImportWorker, ImportsService, ImportsHandlers],
})
export class ImportsModule {}
