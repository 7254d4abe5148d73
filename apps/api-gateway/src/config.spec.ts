import { checkEnvExample } from '@ledgerline/testing';
import { join } from 'node:path';
import { loadGatewayConfig } from './config';
import { loadLiveConfig } from './live/live.config';

describe('.env.example', () => {
  it('names every variable the config reads, each with its default', () => {
    expect(
      checkEnvExample(join(__dirname, '..', '.env.example'), (env) => ({ ...loadGatewayConfig(env), ...loadLiveConfig(env) })),
    ).toMatchObject({ sameAsDefaults: true, undocumented: [] });
  });
});
