import './instrument';
import { bootstrapService } from '@ledgerline/runtime';
import { createLogger } from '@ledgerline/telemetry';
import { AppModule } from './app.module';
import { loadCacheGatewayConfig } from './config';

const config = loadCacheGatewayConfig();
const logger = createLogger('cache-gateway', config.LOG_LEVEL);
void bootstrapService({ module: AppModule.forRoot(config, logger), logger, host: config.HOST, port: config.PORT });
