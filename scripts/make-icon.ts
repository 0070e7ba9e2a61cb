import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';

/**
 * Draws the app icon (a white smartcard with a gold chip on NHS blue) as a 512×512 PNG for
 * electron-builder, so no binary image is kept in the repository.
 */
export function iconPng(size = 512): Buffer {
  const blue = [0x00, 0x5e, 0xb8, 0xff];
  const white = [0xff, 0xff, 0xff, 0xff];
  const gold = [0xff, 0xb8, 0x1c, 0xff];
  const clear = [0, 0, 0, 0];
  const inRoundRect = (
    x: number,
    y: number,
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    r: number,
  ): boolean => {
    if (x < x0 || x >= x1 || y < y0 || y >= y1) return false;
    const cx = x < x0 + r ? x0 + r : x >= x1 - r ? x1 - r - 1 : x;
    const cy = y < y0 + r ? y0 + r : y >= y1 - r ? y1 - r - 1 : y;
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
  const s = size / 512;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      let colour = clear;
      if (inRoundRect(x, y, 0, 0, size, size, 96 * s)) colour = blue;
      if (inRoundRect(x, y, 72 * s, 136 * s, 440 * s, 376 * s, 28 * s)) colour = white;
      if (inRoundRect(x, y, 116 * s, 196 * s, 196 * s, 260 * s, 10 * s)) colour = gold;
      row.set(colour, 1 + x * 4);
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Writes build/icon.png. */
export function writeIcon(root: string): string {
  const path = join(root, 'build', 'icon.png');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, iconPng());
  return path;
}
