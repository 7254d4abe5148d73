export * from './logger';
export { shutdownTelemetry } from './register';
export { isSyntheticBaggage, isSyntheticContext, SYNTHETIC_ATTRIBUTE } from './synthetic';
export { STREAM_ATTRIBUTE } from './stream';
