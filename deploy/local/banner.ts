import type { DemoTenant } from '@ledgerline/testing';

export interface BannerInput {
  gateway: string;
  monitoring: string;
  adminKey: string;
  demo: DemoTenant;
  /** The month the curl example writes to and reads. */
  month: string;
}

/** What `npm start` prints once everything is up: where to look and what to type first. */
export function banner({ gateway, monitoring, adminKey, demo, month }: BannerInput): string {
  const auth = `-H "Authorization: Bearer ${demo.apiKey}"`;
  const row = JSON.stringify({
    transactions: [{ date: `${month}-01`, amount: '42.00', category: 'Dining', subcategory: 'Restaurants', member: 'm2' }],
  });
  return [
    '',
    `  Demo page:    ${gateway}/demo?key=${encodeURIComponent(demo.apiKey)}`,
    `  Gateway:      ${gateway}`,
    `  API docs:     ${gateway}/docs`,
    `  Status page:  ${monitoring}/status`,
    `  Admin key:    ${adminKey}`,
    `  Demo tenant:  ${demo.id}  (API key ${demo.apiKey})`,
    '',
    '  Try (the demo page updates live):',
    `    curl ${auth} -H "Content-Type: application/json" -d '${row}' ${gateway}/v1/transactions`,
    `    curl ${auth} "${gateway}/v1/dashboard/summary?month=${month}"`,
    '',
  ].join('\n');
}
