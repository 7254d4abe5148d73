import './instrument';
import { AppError } from '@ledgerline/contracts';
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
  configure: (app) => {
    const fastify = app.getHttpAdapter().getInstance();
    // JSON is the only body the API takes besides CSV imports; anything else is a 415, not a 422.
    fastify.removeContentTypeParser('text/plain');
    // CSV imports are streamed by their route, never buffered: hand the raw stream through.
    fastify.addContentTypeParser('text/csv', (request, payload, done) => {
      if (request.routeOptions.url === '/v1/imports') done(null, payload);
      else done(new AppError('unsupported-media-type', 'This route takes application/json.'), undefined);
    });
  },
});
