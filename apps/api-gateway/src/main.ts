import './instrument';
import { bootstrapService } from '@ledgerline/runtime';
import { createLogger } from '@ledgerline/telemetry';
import { AppModule } from './app.module';
import { loadGatewayConfig } from './config';

const config = loadGatewayConfig();
const logger = createLogger('api-gateway', config.LOG_LEVEL);
void bootstrapService({
  module: AppModule.forRoot(config, logger),
  logger,
  host: config.HOST,
  port: config.PORT,
  // Up to 10,000 transactions with 500-character labels in one JSON batch.
  bodyLimit: 32 * 1_048_576,
  // JSON is the only body the API takes on these routes; anything else is a 415, not a 422.
  configure: (app) => app.getHttpAdapter().getInstance().removeContentTypeParser('text/plain'),
});
