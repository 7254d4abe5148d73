import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface DemoTenant {
  id: string;
  apiKey: string;
}

/** The appendix household of SPEC.md, created once per data directory and remembered there. */
const DEMO_TENANT = {
  name: 'Doe household',
  currency: 'EUR',
  members: [
    { id: 'm1', name: 'Alex', monthlyRevenue: '4200.00', taxRate: '22' },
    { id: 'm2', name: 'Sam', monthlyRevenue: '2800.00', taxRate: '18.5' },
  ],
  split: { mode: 'proportional' },
};

export async function ensureDemoTenant(gatewayUrl: string, adminKey: string, file: string): Promise<DemoTenant> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoTenant;
  const response = await fetch(`${gatewayUrl}/v1/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(DEMO_TENANT),
  });
  if (response.status !== 201) throw new Error(`creating the demo tenant failed: ${response.status} ${await response.text()}`);
  const created = (await response.json()) as DemoTenant;
  const demo = { id: created.id, apiKey: created.apiKey };
  writeFileSync(file, JSON.stringify(demo, null, 2), { mode: 0o600 });
  return demo;
}
