import { AppError } from '@ledgerline/contracts';
import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from './api-key';
import { AuthService, type Principal } from './auth.service';

type AuthedRequest = FastifyRequest & { principal?: Principal };

async function principalOf(auth: AuthService, context: ExecutionContext): Promise<[AuthedRequest, Principal]> {
  const request = context.switchToHttp().getRequest<AuthedRequest>();
  const principal = await auth.authenticate(bearerToken(request.headers.authorization));
  request.principal = principal;
  return [request, principal];
}

/** Routes for the operator: the admin key only. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const [, principal] = await principalOf(this.auth, context);
    if (principal.kind !== 'admin') throw new AppError('forbidden', 'This route needs the admin key.');
    return true;
  }
}

/** Routes on a tenant's own data: a tenant key; the tenant id comes from the key, never from the client. */
@Injectable()
export class TenantGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const [, principal] = await principalOf(this.auth, context);
    if (principal.kind !== 'tenant') throw new AppError('forbidden', 'This route needs a tenant API key.');
    return true;
  }
}

export interface TenantPrincipal {
  tenantId: string;
  keyId: string;
}

export const Tenant = createParamDecorator((_data: unknown, context: ExecutionContext): TenantPrincipal => {
  const principal = context.switchToHttp().getRequest<AuthedRequest>().principal;
  if (principal?.kind !== 'tenant') throw new AppError('forbidden', 'This route needs a tenant API key.');
  return { tenantId: principal.tenantId, keyId: principal.keyId };
});
