import { stopRemembered } from './global-stack';

export default async function teardown(): Promise<void> {
  await stopRemembered();
}
