import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { WireRequest, WireResponse } from './wire';

/**
 * Synchronous HTTP for k6 scripts: the request goes to a worker thread and this
 * thread blocks on Atomics.wait until the answers are there. One request (or one
 * batch) at a time, which is all a smoke check of a script needs.
 */
export class SyncHttp {
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly channel = new MessageChannel();
  private readonly worker: Worker;

  constructor() {
    this.worker = new Worker(join(__dirname, 'http-worker.js'), {
      workerData: { port: this.channel.port2, flag: this.flag },
      transferList: [this.channel.port2],
    });
    this.worker.unref();
  }

  send(batch: WireRequest[]): WireResponse[] {
    Atomics.store(this.flag, 0, 0);
    this.channel.port1.postMessage(batch);
    const deadline = Math.max(...batch.map((r) => r.timeoutMs)) + 5_000;
    if (Atomics.wait(this.flag, 0, 0, deadline) === 'timed-out') throw new Error(`the network thread did not answer within ${deadline} ms`);
    const message = receiveMessageOnPort(this.channel.port1);
    if (!message) throw new Error('the network thread signalled without an answer');
    return message.message as WireResponse[];
  }

  async close(): Promise<void> {
    this.channel.port1.close();
    await this.worker.terminate();
  }
}

/** k6's `sleep(seconds)`: blocks the script thread, as it does in k6. */
export function sleepSync(seconds: number): void {
  if (seconds > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}
