import { Global, Module } from '@nestjs/common';
import { ApiKeyRepository } from './api-key.repository';
import { AdminGuard, TenantGuard } from './auth.guards';
import { AuthService } from './auth.service';

@Global()
@Module({
  providers: [ApiKeyRepository, AuthService, AdminGuard, TenantGuard],
  exports: [ApiKeyRepository, AuthService, AdminGuard, TenantGuard],
})
export class AuthModule {}
