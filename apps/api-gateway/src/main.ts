import './instrument';
import { bootstrapService } from '@ledgerline/runtime';
import { createLogger } from '@ledgerline/telemetry';
import { AppModule } from './app.module';
import { loadGatewayConfig } from './config';
import { configureEdge, edgeFastReads } from './http/edge';

const config = loadGatewayConfig();
const logger = createLogger('api-gateway', config.LOG_LEVEL);
void bootstrapService({
  module: AppModule.forRoot(config, logger),
  logger,
  host: config.HOST,
  port: config.PORT,
  // The default for every route; POST /v1/transactions raises it (see configureEdge).
  bodyLimit: config.JSON_BODY_LIMIT_BYTES,
  // A 100-character category percent-encoded is up to 900 characters (3-byte UTF-8 each); beyond that is a 414.
  maxParamLength: 1_000,
  configure: (app) => configureEdge(app, config),
  preDispatch: (app) => edgeFastReads(app, config),
});
