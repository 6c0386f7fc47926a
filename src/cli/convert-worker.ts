// The worker thread that converts images for the command line (./convert.ts): one request at a
// time, the encoded bytes transferred back. An ImageFileError comes back as such (exit 1 for that
// file); anything else as a plain error.

import { parentPort, workerData } from 'node:worker_threads';
import { init, js, resizeImage } from '../index.js';
import { ImageFileError } from './codecs.js';
import { convertImage, type ConvertRequest } from './convert.js';

const { plainJs } = workerData as { plainJs: boolean };
if (!plainJs) await init();
const resize = plainJs ? js.resizeImage : resizeImage;

parentPort!.on('message', async ({ id, request }: { id: number; request: ConvertRequest }) => {
  try {
    const result = await convertImage(request, resize);
    parentPort!.postMessage({ id, result }, [result.bytes.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort!.postMessage({ id, error: { message: (error as Error)?.message ?? String(error), file: error instanceof ImageFileError } });
  }
});
parentPort!.postMessage({ ready: true });
