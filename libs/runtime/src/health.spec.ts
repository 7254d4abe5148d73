import { Module } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { HealthModule } from './health.module';
import { onReadinessChange, type ReadinessResults } from './readiness';

describe('/readyz and readiness listeners', () => {
  const database = { up: false };
  const heard: ReadinessResults[] = [];
  let stopListening: () => void;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    @Module({ imports: [HealthModule.forRoot({ inject: [], checks: () => [{ name: 'postgres', check: async () => database.up }] })] })
    class TestModule {}
    const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    stopListening = onReadinessChange((checks) => heard.push(checks));
  });

  afterAll(async () => {
    stopListening();
    await app.close();
  });

  it('reports each change of outcome, and keeps checking on its own while unready so listeners hear the recovery', async () => {
    const readyz = () => app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/readyz' });
    expect((await readyz()).statusCode).toBe(503);
    expect((await readyz()).statusCode).toBe(503);
    expect(heard).toEqual([{ postgres: false }]);

    // Recovery with nobody probing (no kubelet, a local run): the recheck finds it.
    database.up = true;
    const deadline = Date.now() + 30_000;
    while (heard.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(heard).toEqual([{ postgres: false }, { postgres: true }]);
    expect((await readyz()).statusCode).toBe(200);
    expect(heard).toHaveLength(2);
  });
});
