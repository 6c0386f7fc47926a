// AVIF structure, read before the decoder runs: the ISO-BMFF boxes checked to the end of the file
// ('ftyp' first with an AVIF brand), and the primary item's size from its 'ispe' property
// ('meta' > 'pitm', 'iprp' > 'ipco' + 'ipma'), so that a file claiming a huge image is refused
// from its header. libavif also refuses an image whose coded size differs from 'ispe'.

export interface AvifInfo {
  width: number;
  height: number;
}

export class AvifFormatError extends Error {}

const fourcc = (b: Uint8Array, at: number) => String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);

interface Box { type: string; start: number; end: number }

/** The boxes in [start, end), each checked to lie within it. */
function boxes(b: Uint8Array, start: number, end: number): Box[] {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Box[] = [];
  for (let at = start; at < end;) {
    if (at + 8 > end) throw new AvifFormatError(`truncated box header at byte ${at}`);
    let size = view.getUint32(at);
    const type = fourcc(b, at + 4);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) throw new AvifFormatError(`truncated box header at byte ${at}`);
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) {
      size = end - at;
    }
    if (size < header || at + size > end) throw new AvifFormatError(`box '${type}' of ${size} bytes at byte ${at} ends past its container`);
    out.push({ type, start: at + header, end: at + size });
    at += size;
  }
  return out;
}

const BRANDS = ['avif', 'avis'];

/** Whether the bytes start as an AVIF file (an 'ftyp' box naming an AVIF brand). */
export function isAvif(bytes: Uint8Array): boolean {
  if (bytes.length < 16 || fourcc(bytes, 4) !== 'ftyp') return false;
  const size = Math.min(bytes.length, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0));
  for (let at = 8; at + 4 <= size; at += 4) if (at !== 12 && BRANDS.includes(fourcc(bytes, at))) return true;
  return false;
}

/** The primary item's size; `checkSize` runs on it before anything else is read. */
export function inspectAvif(bytes: Uint8Array, checkSize: (width: number, height: number) => void = () => {}): AvifInfo {
  if (!isAvif(bytes)) throw new AvifFormatError('not an AVIF file (no ftyp box with an avif brand)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const top = boxes(bytes, 0, bytes.length);
  const meta = top.find((x) => x.type === 'meta');
  if (!meta) throw new AvifFormatError("no 'meta' box");
  if (!top.some((x) => x.type === 'mdat')) throw new AvifFormatError("no 'mdat' box (no image data)");
  const inMeta = boxes(bytes, meta.start + 4, meta.end); // a full box: version and flags first
  const pitm = inMeta.find((x) => x.type === 'pitm');
  if (!pitm || pitm.end - pitm.start < 6) throw new AvifFormatError("no primary item ('pitm')");
  const primary = bytes[pitm.start] === 0 ? view.getUint16(pitm.start + 4) : view.getUint32(pitm.start + 4);
  const iprp = inMeta.find((x) => x.type === 'iprp');
  if (!iprp) throw new AvifFormatError("no item properties ('iprp')");
  const inIprp = boxes(bytes, iprp.start, iprp.end);
  const ipco = inIprp.find((x) => x.type === 'ipco');
  if (!ipco) throw new AvifFormatError("no property container ('ipco')");
  const properties = boxes(bytes, ipco.start, ipco.end);
  // ipma: for each item, the (1-based) indices of its properties in ipco.
  for (const ipma of inIprp.filter((x) => x.type === 'ipma')) {
    const version = bytes[ipma.start];
    const wide = (bytes[ipma.start + 3] & 1) === 1;
    let at = ipma.start + 4;
    const read = (n: number) => {
      if (at + n > ipma.end) throw new AvifFormatError("truncated 'ipma' box");
      const v = n === 1 ? bytes[at] : n === 2 ? view.getUint16(at) : view.getUint32(at);
      at += n;
      return v;
    };
    for (let entries = read(4); entries > 0; entries--) {
      const item = read(version < 1 ? 2 : 4);
      for (let count = read(1); count > 0; count--) {
        const index = (wide ? read(2) : read(1)) & (wide ? 0x7fff : 0x7f);
        const property = properties[index - 1];
        if (item !== primary || property?.type !== 'ispe') continue;
        if (property.end - property.start < 12) throw new AvifFormatError("short 'ispe' box");
        const width = view.getUint32(property.start + 4);
        const height = view.getUint32(property.start + 8);
        if (width === 0 || height === 0) throw new AvifFormatError(`invalid image size ${width} x ${height}`);
        checkSize(width, height);
        return { width, height };
      }
    }
  }
  throw new AvifFormatError("the primary item has no size ('ispe'), so it cannot be checked before decoding");
}
