import { DiscardPolicy, StorageType } from '@nats-io/jetstream';
import { jetStreamSettings } from './jetstream-settings';

describe('jetStreamSettings', () => {
  it('defaults to one local server: R1, file storage, 7 days and 1 GiB, refusing new messages when full', () => {
    expect(jetStreamSettings({})).toEqual({
      num_replicas: 1,
      storage: StorageType.File,
      max_age: 168 * 3600 * 1e9,
      max_bytes: 1_073_741_824,
      discard: DiscardPolicy.New,
    });
  });

  it('takes replicas and retention from the environment (the chart sets R3 in prod)', () => {
    expect(jetStreamSettings({ JETSTREAM_REPLICAS: '3', JETSTREAM_MAX_AGE_HOURS: '24', JETSTREAM_MAX_BYTES: '10737418240' })).toMatchObject(
      {
        num_replicas: 3,
        max_age: 24 * 3600 * 1e9,
        max_bytes: 10_737_418_240,
      },
    );
  });

  it('refuses a replica count NATS cannot have', () => {
    expect(() => jetStreamSettings({ JETSTREAM_REPLICAS: '7' })).toThrow(/JETSTREAM_REPLICAS/);
  });
});
