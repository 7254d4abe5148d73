export * from './logger';
export { shutdownTelemetry } from './register';
