// A pool worker with a fault injected into its pixelShuffle kernel, chosen by POOL_FAULT in the
// environment it inherits: 'hang' (never returns), 'throw' (a thrown Error), 'slow' (300 ms of
// busy work, then the real kernel). Every other kernel is the real one. Tests pass it as the
// pool's `worker` option; it then runs the built worker unchanged.

const fault = process.env.POOL_FAULT;
const instantiate = WebAssembly.instantiate;

function injectedFault() {
  if (fault === 'hang') for (;;);
  if (fault === 'throw') throw new TypeError('injected fault in pixelShuffle');
  if (fault === 'slow') for (const until = performance.now() + 300; performance.now() < until;);
}

WebAssembly.instantiate = async (...args) => {
  const instance = await instantiate(...args);
  const exports = { ...instance.exports };
  const kernel = exports.pixelShuffle;
  exports.pixelShuffle = (...kernelArgs) => {
    injectedFault();
    return kernel(...kernelArgs);
  };
  return { exports };
};

await import('../../dist/pool/worker.js');
