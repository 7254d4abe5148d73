// First import of main.ts: telemetry must patch http/redis before they load.
import { startTelemetry } from '@ledgerline/telemetry/register';

startTelemetry('cache-gateway');
