// The command line's arguments: the help text, the option table, and their parsing into
// CliOptions (a UsageError, exit 2, for anything wrong, before any file is touched).

import type { ImageConvention, ImageMode, ResizeImageOptions } from '../image.js';
import { CONVENTION_MODES } from '../image.js';
import type { ImageTarget } from './bands.js';
import { availableParallelism } from 'node:os';
import { DEFAULT_MAX_PIXELS } from './codecs.js';
import { FITS, parseColor, type Fit, type Rgba } from './fit.js';
import { JPEG_ENCODERS, type JpegEncoderName } from './jpeg-encoder.js';
import { WEBP_ENCODERS, DEFAULT_WEBP_ENCODER, type WebpEncoderName } from './webp-encoder.js';
import { JPEG_DECODERS, type JpegDecoderName, type JpegDecoding } from './jpeg-decoding.js';

export interface CliOptions {
  input: string;
  output: string;
  target: ImageTarget;
  resize: ResizeImageOptions;
  premultiply: boolean;
  /** --quality, or undefined for each output format's default. */
  quality: number | undefined;
  /** --jpeg-encoder: the command's own ('fast', the default) or MozJPEG. */
  jpegEncoder: JpegEncoderName;
  /** --webp-encoder: the command's own ('fast') or libwebp's. */
  webpEncoder: WebpEncoderName;
  /** --jpeg-decoder and --no-shrink-on-decode (./jpeg-decoder.ts). */
  jpegDecoding: JpegDecoding;
  fit: Fit;
  background: Rgba;
  /** Images converted at once (worker threads). */
  threads: number;
  force: boolean;
  quiet: boolean;
  verbose: boolean;
  plainJs: boolean;
  maxPixels: number;
}

export class UsageError extends Error {}


export const HELP = `Usage: upsample-wasm <input> -o <output> (--scale <n> | --width <px> | --height <px>) [options]

Resizes PNG, JPEG, WebP and AVIF images with PyTorch's interpolation rules (WebAssembly SIMD).
<input> is an image file or a folder (processed recursively, keeping the layout);
the output format follows the output file's extension (.png, .jpg, .jpeg, .webp, .avif).
JPEG's EXIF orientation is applied (the image is stored upright; metadata is not copied).

Size (one of):
  --scale <n>          multiply both sides by n (e.g. 2, 1.5, 0.5)
  --width <px>         output width; one of --width and --height alone keeps the aspect ratio
  --height <px>        output height; both together: the box that --fit fills
  --fit <f>            with both: fill (stretch, the default) | inside | outside (keep the
                       aspect ratio, within / covering the box) | cover (cover and crop the
                       centre) | contain (fit within and pad with --background), as sharp
  --background <c>     contain's padding: #rgb, #rrggbb, #rrggbbaa, r,g,b[,alpha 0-1] (default black)
Options:
  -o, --output <path>  output file, or folder for a folder input (required)
  --convention <c>     pytorch (default) | pillow (Image.resize) | opencv (cv2.resize)
  --mode <m>           pytorch: bilinear (default) | nearest | nearest-exact | bicubic | area
                       pillow: bicubic (default) | nearest | box | bilinear | hamming | lanczos
                       opencv: linear (default) | nearest | nearest-exact | cubic | area | lanczos4
                       | linear-exact
  --antialias          antialiased downscaling (bilinear, bicubic)
  --linear-light       resample in linear light (sRGB decoded, resampled, encoded), any convention
  --align-corners      align corner pixels (bilinear, bicubic)
  --no-premultiply     resample colour without weighting it by alpha
  --quality <1-100>    JPEG (default 90), WebP (80), AVIF (50) quality; PNG is lossless
  --jpeg-encoder <e>   fast (default: baseline 4:2:0, libjpeg's tables and quality scale) |
                       mozjpeg (trellis quantisation, optimised Huffman tables: files about 25%
                       smaller at the same quality setting, encoding about 10x slower)
  --webp-encoder <e>   fast (default: the command's own lossy VP8 encoder on libwebp's quality
                       scale; opaque images only, one with alpha goes to libwebp) | libwebp
  --jpeg-decoder <d>   fast (default: baseline JPEG in the command's own decoder, MozJPEG for
                       progressive and the rest) | mozjpeg (every JPEG)
  --no-shrink-on-decode  decode JPEG at full size always (by default a strong antialiased
                       downscale decodes it at 1/2, 1/4 or 1/8 first, as sharp does: faster,
                       slightly different pixels)
  --threads <n>        images converted at once in a folder run (default: the CPU count, at most 4)
  --max-pixels <n>     refuse inputs and outputs over n pixels, from the header (default 100000000)
  -f, --force          replace existing output files (never an input)
  --js                 use the plain-JavaScript backend instead of WebAssembly
  -q, --quiet          no progress bar or summary
  --verbose            one line per file, also when not on a terminal
  -h, --help           show this help
  -v, --version        show the version

Exit codes: 0 done, 1 a file failed (missing, corrupt, unsupported, would overwrite), 2 usage error.
Examples:
  upsample-wasm photo.png -o photo@2x.png --scale 2 --mode bicubic
  upsample-wasm in/ -o out/ --width 1024 --mode bilinear --antialias
`;

const VALUE_OPTIONS: Record<string, string> = {
  '-o': 'output', '--output': 'output', '--scale': 'scale', '--width': 'width', '--height': 'height',
  '--mode': 'mode', '--convention': 'convention', '--quality': 'quality', '--max-pixels': 'maxPixels', '--fit': 'fit', '--background': 'background',
  '--threads': 'threads', '--jpeg-encoder': 'jpegEncoder', '--jpeg-decoder': 'jpegDecoder', '--webp-encoder': 'webpEncoder',
};
const FLAG_OPTIONS: Record<string, string> = {
  '-f': 'force', '--force': 'force', '--antialias': 'antialias', '--align-corners': 'alignCorners', '--linear-light': 'linearLight',
  '--no-shrink-on-decode': 'noShrinkOnDecode',
  '--no-premultiply': 'noPremultiply', '-q': 'quiet', '--quiet': 'quiet', '--verbose': 'verbose', '--js': 'js',
  '-h': 'help', '--help': 'help', '-v': 'version', '--version': 'version',
};

function parseNumber(text: string, option: string, integer: boolean, min: number, max = Infinity): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max || (min === 0 && value === 0)) {
    const what = integer ? `an integer ${max < Infinity ? `from ${min} to ${max}` : `>= ${min}`}` : 'a number > 0';
    throw new UsageError(`${option} must be ${what}, but got '${text}'`);
  }
  return value;
}

export function parseArgs(argv: readonly string[]): CliOptions | 'help' | 'version' {
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') { positional.push(...argv.slice(i + 1)); break; }
    if (!arg.startsWith('-') || arg === '-') { positional.push(arg); continue; }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name in VALUE_OPTIONS) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      values[VALUE_OPTIONS[name]] = value;
    } else if (name in FLAG_OPTIONS && eq < 0) {
      flags.add(FLAG_OPTIONS[name]);
    } else {
      throw new UsageError(`unknown option '${arg}'`);
    }
  }
  if (flags.has('help')) return 'help';
  if (flags.has('version')) return 'version';
  if (positional.length === 0) throw new UsageError('missing the input file or folder');
  if (positional.length > 1) throw new UsageError(`expected one input, but got ${positional.length}: ${positional.join(' ')}`);
  if (values.output === undefined) throw new UsageError('missing -o <output>');

  const target: ImageTarget = {};
  if (values.scale !== undefined) target.scale = parseNumber(values.scale, '--scale', false, 0);
  if (values.width !== undefined) target.width = parseNumber(values.width, '--width', true, 1);
  if (values.height !== undefined) target.height = parseNumber(values.height, '--height', true, 1);
  if (target.scale !== undefined && (target.width !== undefined || target.height !== undefined)) {
    throw new UsageError('give --scale or --width/--height, not both');
  }
  if (Object.keys(target).length === 0) throw new UsageError('give the output size: --scale, --width or --height');
  const convention = (values.convention ?? 'pytorch') as ImageConvention;
  if (!Object.hasOwn(CONVENTION_MODES, convention)) {
    throw new UsageError(`--convention must be one of ${Object.keys(CONVENTION_MODES).join(', ')}, but got '${convention}'`);
  }
  const modes: readonly ImageMode[] = CONVENTION_MODES[convention];
  const mode = (values.mode ?? modes[0]) as ImageMode;
  if (!modes.includes(mode)) throw new UsageError(`--mode must be one of ${modes.join(', ')} with --convention ${convention}, but got '${values.mode}'`);
  const smooth = convention === 'pytorch' && (mode === 'bilinear' || mode === 'bicubic');
  if (flags.has('antialias') && !smooth) throw new UsageError(`--antialias needs --mode bilinear or bicubic (convention pytorch), not ${convention} ${mode}`);
  if (flags.has('alignCorners') && !smooth) throw new UsageError(`--align-corners needs --mode bilinear or bicubic (convention pytorch), not ${convention} ${mode}`);
  const resize: ResizeImageOptions = { convention, mode };
  if (flags.has('linearLight')) resize.linearLight = true;
  if (flags.has('antialias')) resize.antialias = true;
  if (flags.has('alignCorners')) resize.alignCorners = true;
  const fit = (values.fit ?? 'fill') as Fit;
  if (!FITS.includes(fit)) throw new UsageError(`--fit must be one of ${FITS.join(', ')}, but got '${values.fit}'`);
  if (values.fit !== undefined && (target.width === undefined || target.height === undefined)) {
    throw new UsageError('--fit needs both --width and --height');
  }
  const background = values.background === undefined ? [0, 0, 0, 255] as Rgba : parseColor(values.background);
  if (!background) throw new UsageError(`--background must be a colour such as #ff8800, #f80, 255,136,0 or white, but got '${values.background}'`);
  const jpegEncoder = (values.jpegEncoder ?? 'fast') as JpegEncoderName;
  if (!JPEG_ENCODERS.includes(jpegEncoder)) throw new UsageError(`--jpeg-encoder must be one of ${JPEG_ENCODERS.join(', ')}, but got '${jpegEncoder}'`);
  const webpEncoder = (values.webpEncoder ?? DEFAULT_WEBP_ENCODER) as WebpEncoderName;
  if (!WEBP_ENCODERS.includes(webpEncoder)) throw new UsageError(`--webp-encoder must be one of ${WEBP_ENCODERS.join(', ')}, but got '${webpEncoder}'`);
  const jpegDecoder = (values.jpegDecoder ?? 'fast') as JpegDecoderName;
  if (!JPEG_DECODERS.includes(jpegDecoder)) throw new UsageError(`--jpeg-decoder must be one of ${JPEG_DECODERS.join(', ')}, but got '${jpegDecoder}'`);
  return {
    input: positional[0],
    output: values.output,
    target,
    resize,
    premultiply: !flags.has('noPremultiply'),
    quality: values.quality === undefined ? undefined : parseNumber(values.quality, '--quality', true, 1, 100),
    jpegEncoder,
    webpEncoder,
    jpegDecoding: { decoder: jpegDecoder, shrink: !flags.has('noShrinkOnDecode') },
    fit,
    background,
    threads: values.threads === undefined ? Math.min(4, availableParallelism()) : parseNumber(values.threads, '--threads', true, 1, 64),
    force: flags.has('force'),
    quiet: flags.has('quiet'),
    verbose: flags.has('verbose'),
    plainJs: flags.has('js'),
    maxPixels: values.maxPixels === undefined ? DEFAULT_MAX_PIXELS : parseNumber(values.maxPixels, '--max-pixels', true, 1),
  };
}
