// First import of main.ts: telemetry must patch http/pg before they load.
import { startTelemetry } from '@ledgerline/telemetry/register';

startTelemetry('monitoring');
