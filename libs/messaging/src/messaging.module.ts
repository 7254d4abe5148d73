import { Global, Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { NatsBus } from './nats-bus';
import type pino from 'pino';

export interface MessagingModuleOptions {
  url: string;
  serviceName: string;
  requestTimeoutMs: number;
  logger: pino.Logger;
}

class BusCloser implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(@Inject(NatsBus) private readonly bus: NatsBus) {}
  /** On SIGTERM, before the HTTP server and the database pools close: finish the requests being answered. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.bus.quiesce();
  }
  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}

@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        {
          provide: NatsBus,
          useFactory: () =>
            NatsBus.connect({
              url: options.url,
              name: options.serviceName,
              requestTimeoutMs: options.requestTimeoutMs,
              logger: options.logger,
            }),
        },
        BusCloser,
      ],
      exports: [NatsBus],
    };
  }
}
