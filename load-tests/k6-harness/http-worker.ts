/**
 * The harness's network thread. k6 scripts call `http.get` synchronously; Node
 * only has asynchronous HTTP, so the script thread posts each request (or batch)
 * here and sleeps on a shared flag until this thread has the answers.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import type { WireRequest, WireResponse } from './wire';

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };

async function perform(request: WireRequest): Promise<WireResponse> {
  const started = performance.now();
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body ?? undefined,
      signal: AbortSignal.timeout(request.timeoutMs),
      redirect: 'follow',
    });
    const body = await response.text();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    return { status: response.status, headers, body, durationMs: performance.now() - started, url: response.url || request.url, error: '' };
  } catch (error) {
    // k6 reports transport failures as status 0 with an error string, never as an exception.
    return {
      status: 0,
      headers: {},
      body: '',
      durationMs: performance.now() - started,
      url: request.url,
      error: String((error as Error).message),
    };
  }
}

port.on('message', (batch: WireRequest[]) => {
  void Promise.all(batch.map(perform)).then((responses) => {
    port.postMessage(responses);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
});
