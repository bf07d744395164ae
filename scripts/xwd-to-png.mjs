// Converts an X window dump (xwd, 24/32-bit ZPixmap, as Xvfb's screen gives) to a PNG,
// keeping the top `rows` rows. Used by the demo to photograph the browser's tab strip; no
// image tool needed. Usage: node scripts/xwd-to-png.mjs IN.xwd OUT.png [rows]
import { readFileSync, writeFileSync } from 'node:fs';
import { deflateSync, crc32 } from 'node:zlib';

export function xwdToPng(xwd, maxRows = Infinity) {
  const field = (i) => xwd.readUInt32BE(i * 4);
  const [headerSize, width, height] = [field(0), field(4), field(5)];
  const [littleEndian, bitsPerPixel, bytesPerLine, colours] = [field(7) === 0, field(11), field(12), field(19)];
  const [redMask, greenMask, blueMask] = [field(14), field(15), field(16)];
  if (field(2) !== 2 || (bitsPerPixel !== 32 && bitsPerPixel !== 24)) throw new Error('only 24/32-bit ZPixmap dumps');
  const shift = (mask) => 31 - Math.clz32(mask & -mask);
  const channel = (pixel, mask) => ((pixel & mask) >>> shift(mask)) & 0xff;
  const rows = Math.min(height, maxRows);
  const start = headerSize + colours * 12;
  const raw = Buffer.alloc(rows * (width * 3 + 1));
  const step = bitsPerPixel / 8;
  for (let y = 0; y < rows; y += 1) {
    const out = y * (width * 3 + 1);
    for (let x = 0; x < width; x += 1) {
      const at = start + y * bytesPerLine + x * step;
      const pixel = step === 4
        ? (littleEndian ? xwd.readUInt32LE(at) : xwd.readUInt32BE(at))
        : (littleEndian ? xwd.readUIntLE(at, 3) : xwd.readUIntBE(at, 3));
      raw[out + 1 + x * 3] = channel(pixel, redMask);
      raw[out + 2 + x * 3] = channel(pixel, greenMask);
      raw[out + 3 + x * 3] = channel(pixel, blueMask);
    }
  }
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(rows, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [input, output, rows] = process.argv.slice(2);
  writeFileSync(output, xwdToPng(readFileSync(input), rows ? Number(rows) : Infinity));
}
