import { SPEC_TENANT } from '@ledgerline/testing';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface DemoTenant {
  id: string;
  apiKey: string;
}

/** Created once per data directory and remembered there. */
export async function ensureDemoTenant(gatewayUrl: string, adminKey: string, file: string): Promise<DemoTenant> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoTenant;
  const response = await fetch(`${gatewayUrl}/v1/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(SPEC_TENANT), // the appendix household of SPEC.md
  });
  if (response.status !== 201) throw new Error(`creating the demo tenant failed: ${response.status} ${await response.text()}`);
  const created = (await response.json()) as DemoTenant;
  const demo = { id: created.id, apiKey: created.apiKey };
  writeFileSync(file, JSON.stringify(demo, null, 2), { mode: 0o600 });
  return demo;
}
