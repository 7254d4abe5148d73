import { Transform } from 'node:stream';

/** Passes bytes through and fails the stream once more than `max` went by. */
export function limitBytes(max: number): { stream: Transform; exceeded: () => boolean } {
  let seen = 0;
  let over = false;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > max) {
        over = true;
        done(new Error(`body larger than ${max} bytes`));
        return;
      }
      done(null, chunk);
    },
  });
  return { stream, exceeded: () => over };
}
