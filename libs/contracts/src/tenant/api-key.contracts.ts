import { z } from 'zod';
import { defineEvent } from '../common/contract';
import { tenantId } from '../common/primitives';

/** A tenant key was revoked: every gateway replica drops it from its lookup cache at once. */
export const apiKeyRevoked = defineEvent('events.api-keys.revoked.v1', z.object({ tenantId, keyId: z.uuid() }));
