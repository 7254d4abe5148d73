import { Global, Module } from '@nestjs/common';
import { ApiKeyRepository } from './api-key.repository';
import { Admission, AdminGuard, TenantGuard } from './auth.guards';
import { AuthService } from './auth.service';

@Global()
@Module({
  providers: [ApiKeyRepository, AuthService, Admission, AdminGuard, TenantGuard],
  exports: [ApiKeyRepository, AuthService, Admission, AdminGuard, TenantGuard],
})
export class AuthModule {}
