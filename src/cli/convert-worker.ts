// The worker thread that converts images for the command line (./convert.ts): one request at a
// time, the encoded bytes transferred back; or streams a PNG to a PNG or JPEG file (./png-stream.ts), into
// the temporary file the main thread created. An ImageFileError comes back as such (exit 1 for that
// file); anything else as a plain error. Started with role 'strip', it only encodes JPEG strips
// for the converting thread that started it (./jpeg-strips.ts).

import { parentPort, Worker, workerData } from 'node:worker_threads';
import { initLibrary } from './library.js';
import { ImageFileError } from './codecs.js';
import { convertImage, stripsHere, type ConvertRequest, type JpegSettings, type StripEncoder } from './convert.js';
import { encodeJpegWith } from './jpeg-encoder.js';
import { streamPngFile, type PngStreamRequest } from './png-stream.js';
import { preloadWasm, type CodecNeeds, type RgbaPixels } from './wasm-codecs.js';
import { detachEarly, ownBuffer } from './transfer.js';

const { plainJs, role, preload } = workerData as { plainJs: boolean; role?: 'strip'; preload?: CodecNeeds };
const port = parentPort!;
detachEarly(); // before anything hot is compiled (./transfer.ts)

/** Strip helpers, started when first needed and kept; they end with this thread. */
const helpers: Array<{ worker: Worker; busy: number }> = [];
const waiting = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>();
let nextId = 0;

if (role === 'strip') {
  port.on('message', async ({ id, strip, settings }: { id: number; strip: RgbaPixels; settings: JpegSettings }) => {
    try {
      const bytes = ownBuffer(await encodeJpegWith(settings.encoder, strip, settings.quality));
      port.postMessage({ id, bytes }, [bytes.buffer as ArrayBuffer]);
    } catch (error) {
      port.postMessage({ id, error: (error as Error)?.message ?? String(error) });
    }
  });
} else {
  if (preload) preloadWasm(preload); // compiled in the background while the library loads
  if (!plainJs) await initLibrary(); // ../init.js and ../image-band.js (via ./convert.ts): resizeImage without the rest of the library
  // One request at a time, in order: the next one may arrive while one converts (its bytes ready
  // here when this one is done), but two images are never decoded at once.
  let turn = Promise.resolve();
  port.on('message', (message: { id: number; request?: ConvertRequest; stream?: PngStreamRequest }) => {
    turn = turn.then(() => (message.stream ? streamOne(message.id, message.stream) : convertOne(message as { id: number; request: ConvertRequest })));
  });
  port.postMessage({ ready: true });
}

async function convertOne({ id, request }: { id: number; request: ConvertRequest }): Promise<void> {
  try {
    const strips = request.output === 'jpeg' ? stripEncoder(request.stripThreads) : undefined; // helpers only for JPEG out
    const converted = await convertImage(request, plainJs ? 'js' : 'wasm', strips);
    const result = { ...converted, bytes: ownBuffer(converted.bytes) }; // zlib's output may be a pooled Buffer
    port.postMessage({ id, result }, [result.bytes.buffer as ArrayBuffer]);
  } catch (error) {
    port.postMessage({ id, error: failure(error) });
  }
}

/** An error as posted back: an ImageFileError is the file's fault (exit 1 for it), anything else a plain error. */
const failure = (error: unknown) => ({ message: (error as Error)?.message ?? String(error), file: error instanceof ImageFileError });

/** A PNG to PNG or JPEG file streamed here (read and written by this thread); null where streaming does not apply. */
async function streamOne(id: number, stream: PngStreamRequest): Promise<void> {
  try {
    const result = await streamPngFile(stream, async () => (plainJs ? 'js' : 'wasm'));
    port.postMessage({ id, result: result ?? null });
  } catch (error) {
    port.postMessage({ id, error: failure(error) });
  }
}

/** Strips encoded here (threads 0), or by `threads` helper threads while this one resizes the next bands. */
function stripEncoder(threads: number): StripEncoder {
  if (threads < 1) return stripsHere;
  while (helpers.length < threads) {
    const worker = new Worker(new URL(import.meta.url), { workerData: { plainJs, role: 'strip' } });
    worker.on('message', ({ id, bytes, error }: { id: number; bytes?: Uint8Array; error?: string }) => {
      const w = waiting.get(id)!;
      waiting.delete(id);
      if (bytes) w.resolve(bytes);
      else w.reject(new Error(error));
    });
    worker.on('error', (error) => { for (const w of waiting.values()) w.reject(error); waiting.clear(); });
    helpers.push({ worker, busy: 0 });
  }
  const used = helpers.slice(0, threads);
  return {
    inFlight: threads + 1,
    encode: (strip, settings) => {
      const helper = used.reduce((a, b) => (b.busy < a.busy ? b : a));
      const id = nextId++;
      helper.busy++;
      // Transferred: convert.ts gives each strip a fresh buffer, so this copies nothing.
      const data = ownBuffer(strip.data);
      return new Promise<Uint8Array>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        helper.worker.postMessage({ id, strip: { ...strip, data }, settings }, [data.buffer as ArrayBuffer]);
      }).finally(() => { helper.busy--; });
    },
  };
}
