import './instrument';
import { bootstrapService } from '@ledgerline/runtime';
import { createLogger } from '@ledgerline/telemetry';
import { AppModule } from './app.module';
import { loadIngestionConfig } from './config';

const config = loadIngestionConfig();
const logger = createLogger('ingestion', config.LOG_LEVEL);
void bootstrapService({ module: AppModule.forRoot(config, logger), logger, host: config.HOST, port: config.PORT });
