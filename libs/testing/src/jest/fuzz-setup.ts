import e2eSetup from './e2e-setup';

/**
 * The fuzz tier runs against the e2e stack. When both tiers run in one jest
 * invocation (npm test), the e2e project's setup has already started it in
 * this process: reuse it rather than boot a second stack.
 */
export default async function fuzzSetup(): Promise<void> {
  if (process.env.E2E_GATEWAY_URL) return;
  await e2eSetup();
}
