// resizeImage on a canvas's ImageData, passed as is (Uint8ClampedArray, no channels), in a page:
// the WebAssembly and plain-JS results, and the WebAssembly result put into an ImageData, painted
// on a canvas and read back. The test compares them with Node's result on the same input.

export async function runImage({ entry = '/dist/index.js', target, options }) {
  const up = await import(entry);
  const info = await up.init();
  const canvas = document.createElement('canvas');
  canvas.width = 40;
  canvas.height = 30;
  const ctx = canvas.getContext('2d');
  const gradient = ctx.createLinearGradient(0, 0, 40, 30);
  gradient.addColorStop(0, '#204080');
  gradient.addColorStop(1, '#f0c020');
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, 30, 30); // the right 10 columns stay transparent
  ctx.fillStyle = 'rgba(255, 0, 0, 0.5)';
  ctx.beginPath();
  ctx.arc(20, 15, 8, 0, 2 * Math.PI);
  ctx.fill();
  const image = ctx.getImageData(0, 0, 40, 30);
  const wasm = up.resizeImage(image, target, options);
  const js = up.js.resizeImage(image, target, options);
  const out = document.createElement('canvas');
  out.width = wasm.width;
  out.height = wasm.height;
  const outCtx = out.getContext('2d');
  outCtx.putImageData(new ImageData(wasm.data, wasm.width, wasm.height), 0, 0);
  const painted = outCtx.getImageData(0, 0, wasm.width, wasm.height).data;
  return {
    build: info.build, isImageData: image instanceof ImageData, width: wasm.width, height: wasm.height,
    input: Array.from(image.data), wasm: Array.from(wasm.data), js: Array.from(js.data), painted: Array.from(painted),
  };
}
