import './instrument';
import { bootstrapService } from '@ledgerline/runtime';
import { createLogger } from '@ledgerline/telemetry';
import { AppModule } from './app.module';
import { loadMonitoringConfig } from './config';
import { registerOtlpParsers } from './traces/otlp-body';

const config = loadMonitoringConfig();
const logger = createLogger('monitoring', config.LOG_LEVEL);
void bootstrapService({
  module: AppModule.forRoot(config, logger),
  logger,
  host: config.HOST,
  port: config.PORT,
  bodyLimit: 8 * 1_048_576,
  configure: registerOtlpParsers,
});
