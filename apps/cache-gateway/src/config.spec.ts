import { checkEnvExample } from '@ledgerline/testing';
import { join } from 'node:path';
import { loadCacheGatewayConfig } from './config';

describe('.env.example', () => {
  it('names every variable the config reads, each with its default', () => {
    expect(checkEnvExample(join(__dirname, '..', '.env.example'), loadCacheGatewayConfig)).toMatchObject({
      sameAsDefaults: true,
      undocumented: [],
    });
  });
});
