import {
  breakdownQuerySchema,
  createTenantBodySchema,
  drillDownQuerySchema,
  exportBodySchema,
  fixedLineBodySchema,
  fixedLinePatchSchema,
  monthQuerySchema,
  patchTenantBodySchema,
  provisionBodySchema,
  provisionPatchSchema,
  transactionBatchSchema,
  transactionPatchSchema,
  trendsQuerySchema,
  type ProblemCode,
} from '@ledgerline/contracts';
import type { z } from 'zod';
import type { RouteClass } from '../rate-limit/route-class';

/**
 * Every public route, described with the very zod schemas its handler
 * validates with. The gateway refuses to boot when a /v1 route is missing
 * here or listed but not served (see assertDocumented), so this cannot drift.
 */
export interface RouteDoc {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Fastify syntax: `/v1/provisions/:id`. */
  path: string;
  summary: string;
  auth: 'admin' | 'tenant';
  routeClass: Exclude<RouteClass, 'anonymous'>;
  body?: z.ZodType | 'csv';
  query?: z.ZodType;
  success: { status: 200 | 201 | 202 | 204; description: string; contentTypes?: string[] };
  /** Problems beyond those of every authenticated route (401, 403, 429, 500). */
  problems: ProblemCode[];
}

/** Routes that reach a downstream service over NATS. */
const DOWNSTREAM: ProblemCode[] = ['service-unavailable', 'upstream-timeout'];
const JSON_BODY: ProblemCode[] = ['malformed-request', 'payload-too-large', 'unsupported-media-type', 'validation-failed'];
const BY_ID: ProblemCode[] = ['validation-failed', 'not-found', ...DOWNSTREAM];

const crud = (base: string, what: string, body: z.ZodType, patch: z.ZodType): RouteDoc[] => [
  {
    method: 'GET',
    path: base,
    summary: `List ${what}s`,
    auth: 'tenant',
    routeClass: 'reads',
    success: { status: 200, description: `The tenant's ${what}s` },
    problems: DOWNSTREAM,
  },
  {
    method: 'POST',
    path: base,
    summary: `Create a ${what}`,
    auth: 'tenant',
    routeClass: 'writes',
    body,
    success: { status: 201, description: `The created ${what}` },
    problems: [...JSON_BODY, ...DOWNSTREAM],
  },
  {
    method: 'GET',
    path: `${base}/:id`,
    summary: `Read a ${what}`,
    auth: 'tenant',
    routeClass: 'reads',
    success: { status: 200, description: `The ${what}` },
    problems: BY_ID,
  },
  {
    method: 'PATCH',
    path: `${base}/:id`,
    summary: `Change a ${what}`,
    auth: 'tenant',
    routeClass: 'writes',
    body: patch,
    success: { status: 200, description: `The changed ${what}` },
    problems: [...JSON_BODY, ...BY_ID],
  },
  {
    method: 'DELETE',
    path: `${base}/:id`,
    summary: `Delete a ${what}`,
    auth: 'tenant',
    routeClass: 'writes',
    success: { status: 204, description: 'Deleted' },
    problems: BY_ID,
  },
];

const dashboard = (path: string, summary: string, query: z.ZodType, problems: ProblemCode[] = []): RouteDoc => ({
  method: 'GET',
  path: `/v1/dashboard/${path}`,
  summary,
  auth: 'tenant',
  routeClass: 'reads',
  query,
  success: { status: 200, description: summary },
  problems: ['validation-failed', ...problems, ...DOWNSTREAM],
});

export const ROUTES: RouteDoc[] = [
  {
    method: 'POST',
    path: '/v1/tenants',
    summary: 'Create a tenant with its first API key (shown once)',
    auth: 'admin',
    routeClass: 'writes',
    body: createTenantBodySchema,
    success: { status: 201, description: 'The tenant config and `apiKey`' },
    problems: [...JSON_BODY, ...DOWNSTREAM],
  },
  {
    method: 'GET',
    path: '/v1/tenant',
    summary: 'Read the tenant config',
    auth: 'tenant',
    routeClass: 'reads',
    success: { status: 200, description: 'The tenant config' },
    problems: DOWNSTREAM,
  },
  {
    method: 'PATCH',
    path: '/v1/tenant',
    summary: 'Change members, revenues, tax rates or split',
    auth: 'tenant',
    routeClass: 'writes',
    body: patchTenantBodySchema,
    success: { status: 200, description: 'The changed tenant config' },
    problems: [...JSON_BODY, 'conflict', ...DOWNSTREAM],
  },
  {
    method: 'POST',
    path: '/v1/tenant/keys',
    summary: 'Mint an API key (shown once)',
    auth: 'tenant',
    routeClass: 'writes',
    success: { status: 201, description: '`id`, `prefix` and `apiKey`' },
    problems: [],
  },
  {
    method: 'GET',
    path: '/v1/tenant/keys',
    summary: 'List keys (prefix and dates only)',
    auth: 'tenant',
    routeClass: 'reads',
    success: { status: 200, description: '`keys`' },
    problems: [],
  },
  {
    method: 'GET',
    path: '/v1/tenant/keys/current',
    summary: 'The key and tenant this call authenticated as',
    auth: 'tenant',
    routeClass: 'reads',
    success: { status: 200, description: '`id` (key) and `tenantId`' },
    problems: [],
  },
  {
    method: 'DELETE',
    path: '/v1/tenant/keys/:id',
    summary: 'Revoke a key (on every gateway replica at once)',
    auth: 'tenant',
    routeClass: 'writes',
    success: { status: 204, description: 'Revoked' },
    problems: ['validation-failed', 'not-found'],
  },
  {
    method: 'POST',
    path: '/v1/transactions',
    summary: 'Store 1–10,000 transactions atomically',
    auth: 'tenant',
    routeClass: 'writes',
    body: transactionBatchSchema,
    success: { status: 201, description: '`accepted` and `duplicates`' },
    problems: [...JSON_BODY, ...DOWNSTREAM],
  },
  {
    method: 'PATCH',
    path: '/v1/transactions/:id',
    summary: 'Recategorize or exclude a transaction',
    auth: 'tenant',
    routeClass: 'writes',
    body: transactionPatchSchema,
    success: { status: 200, description: 'The transaction and `applied`' },
    problems: [...JSON_BODY, ...BY_ID],
  },
  {
    method: 'DELETE',
    path: '/v1/transactions/:id',
    summary: 'Delete a transaction',
    auth: 'tenant',
    routeClass: 'writes',
    success: { status: 204, description: 'Deleted' },
    problems: BY_ID,
  },
  {
    method: 'POST',
    path: '/v1/imports',
    summary: 'Import a CSV file (streamed, up to 1,000,000 rows)',
    auth: 'tenant',
    routeClass: 'imports',
    body: 'csv',
    success: { status: 202, description: '`id` and `status`' },
    problems: ['payload-too-large', 'unsupported-media-type', ...DOWNSTREAM],
  },
  {
    method: 'GET',
    path: '/v1/imports/:id',
    summary: 'Import status, counts and line errors',
    auth: 'tenant',
    routeClass: 'reads',
    success: { status: 200, description: 'The import status' },
    problems: BY_ID,
  },
  dashboard('summary', "The month's figures", monthQuerySchema),
  dashboard('breakdown', 'Per-category rows', breakdownQuerySchema),
  dashboard('drill-down/:category', 'Per-subcategory rows or the transactions, keyset-paginated', drillDownQuerySchema),
  dashboard('trends', 'One row per month in range', trendsQuerySchema),
  dashboard('stats', 'Total vs previous month, daily average, largest expense', monthQuerySchema),
  {
    method: 'POST',
    path: '/v1/dashboard/refresh',
    summary: "Rebuild a month's aggregates from raw rows, synchronously",
    auth: 'tenant',
    routeClass: 'writes',
    query: monthQuerySchema,
    success: { status: 200, description: 'The rebuild result' },
    problems: ['validation-failed', ...DOWNSTREAM],
  },
  {
    method: 'POST',
    path: '/v1/dashboard/refresh-async',
    summary: "Rebuild a month's aggregates as a background task",
    auth: 'tenant',
    routeClass: 'writes',
    query: monthQuerySchema,
    success: { status: 202, description: '`taskId`' },
    problems: ['validation-failed', ...DOWNSTREAM],
  },
  {
    method: 'POST',
    path: '/v1/exports',
    summary: 'Export a month range as CSV or JSON (a background task)',
    auth: 'tenant',
    routeClass: 'writes',
    body: exportBodySchema,
    success: { status: 202, description: '`taskId`' },
    problems: [...JSON_BODY, ...DOWNSTREAM],
  },
  {
    method: 'GET',
    path: '/v1/exports/:id/download',
    summary: 'Download a finished export',
    auth: 'tenant',
    routeClass: 'reads',
    success: { status: 200, description: 'The export file', contentTypes: ['text/csv', 'application/json'] },
    problems: ['conflict', ...BY_ID],
  },
  {
    method: 'GET',
    path: '/v1/tasks',
    summary: "The tenant's background tasks",
    auth: 'tenant',
    routeClass: 'reads',
    success: { status: 200, description: '`tasks`' },
    problems: DOWNSTREAM,
  },
  {
    method: 'GET',
    path: '/v1/tasks/:id',
    summary: 'A background task',
    auth: 'tenant',
    routeClass: 'reads',
    success: { status: 200, description: 'The task' },
    problems: BY_ID,
  },
  {
    method: 'POST',
    path: '/v1/tasks/:id/cancel',
    summary: 'Cancel a background task',
    auth: 'tenant',
    routeClass: 'writes',
    success: { status: 200, description: 'The task' },
    problems: ['conflict', ...BY_ID],
  },
  ...crud('/v1/fixed-lines', 'fixed line', fixedLineBodySchema, fixedLinePatchSchema),
  {
    method: 'GET',
    path: '/v1/provisions/calculate',
    summary: "Each active provision's monthly amount, shares, progress and months to target",
    auth: 'tenant',
    routeClass: 'reads',
    query: monthQuerySchema,
    success: { status: 200, description: 'The calculation' },
    problems: ['validation-failed', ...DOWNSTREAM],
  },
  ...crud('/v1/provisions', 'provision', provisionBodySchema, provisionPatchSchema),
];
