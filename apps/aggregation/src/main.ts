import './instrument';
import { bootstrapService } from '@ledgerline/runtime';
import { createLogger } from '@ledgerline/telemetry';
import { AppModule } from './app.module';
import { loadAggregationConfig } from './config';

const config = loadAggregationConfig();
const logger = createLogger('aggregation', config.LOG_LEVEL);
void bootstrapService({ module: AppModule.forRoot(config, logger), logger, host: config.HOST, port: config.PORT });
