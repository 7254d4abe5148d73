import './instrument';
import { bootstrapService } from '@ledgerline/runtime';
import { createLogger } from '@ledgerline/telemetry';
import { AppModule } from './app.module';
import { loadProvisionsConfig } from './config';

const config = loadProvisionsConfig();
const logger = createLogger('provisions', config.LOG_LEVEL);
void bootstrapService({ module: AppModule.forRoot(config, logger), logger, host: config.HOST, port: config.PORT });
