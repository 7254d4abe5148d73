import { AppError } from '@ledgerline/contracts';
import { createParamDecorator, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { GATEWAY_CONFIG } from '../tokens';
import type { GatewayConfig } from '../config';
import { clientIp } from '../http/client-ip';
import { RateLimiter } from '../rate-limit/rate-limiter.service';
import type { ChargedRequest } from '../rate-limit/refund-server-failures';
import { classOfMethod, ROUTE_CLASS, type RouteClass } from '../rate-limit/route-class';
import { bearerToken } from './api-key';
import { AuthService, type Principal } from './auth.service';

type AuthedRequest = ChargedRequest & { principal?: Principal };

/**
 * Who is calling, and may they call again now: authenticates the bearer key,
 * then takes one request from the caller's bucket for this route's class.
 * Calls without a valid key are limited per client IP before their 401.
 */
@Injectable()
export class Admission {
  constructor(
    private readonly auth: AuthService,
    private readonly limiter: RateLimiter,
    private readonly reflector: Reflector,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async admit(context: ExecutionContext): Promise<Principal> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthedRequest>();
    const reply = http.getResponse<FastifyReply>();
    const setHeaders = (headers: Record<string, string>) => void reply.headers(headers);
    let principal: Principal;
    try {
      principal = await this.auth.authenticate(bearerToken(request.headers.authorization));
    } catch (error) {
      if (error instanceof AppError && error.code === 'unauthorized') {
        const ip = clientIp(request.socket.remoteAddress, request.headers['x-forwarded-for'], this.config.TRUSTED_PROXIES.list);
        request.rateCharge = await this.limiter.enforce('anonymous', `ip:${ip}`, setHeaders);
      }
      throw error;
    }
    request.principal = principal;
    const routeClass = this.reflector.get<RouteClass | undefined>(ROUTE_CLASS, context.getHandler()) ?? classOfMethod(request.method);
    request.rateCharge =
      principal.kind === 'admin'
        ? await this.limiter.enforce(routeClass, 'admin', setHeaders)
        : await this.limiter.enforce(routeClass, `key:${principal.keyId}`, setHeaders, principal.tenantId);
    return principal;
  }
}

/** Routes for the operator: the admin key only. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly admission: Admission) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = await this.admission.admit(context);
    if (principal.kind !== 'admin') throw new AppError('forbidden', 'This route needs the admin key.');
    return true;
  }
}

/** Routes on a tenant's own data: a tenant key; the tenant id comes from the key, never from the client. */
@Injectable()
export class TenantGuard implements CanActivate {
  constructor(private readonly admission: Admission) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = await this.admission.admit(context);
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
