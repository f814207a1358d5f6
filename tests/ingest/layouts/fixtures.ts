/** Builds small layout folders for tests from real JPEGs of the COVID collection and a PNG written here. */
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

export const COVID_IMAGES = join(__dirname, '../../../../shared/data/covid-cxr/images');
export const haveCovidImages = existsSync(COVID_IMAGES);

/** The n-th JPEG of the COVID collection (sorted by name). */
export function covidJpeg(n: number): string {
  const names = readdirSync(COVID_IMAGES).filter((f) => f.endsWith('.jpg')).sort();
  return join(COVID_IMAGES, names[n % names.length] ?? '');
}

export function copyTo(source: string, target: string): string {
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
  return target;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A width x height 16-bit grayscale PNG with a horizontal ramp. */
export function writePng(path: string, width: number, height: number): string {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(16, 8); // bit depth
  ihdr.writeUInt8(0, 9); // colour type 0: grayscale
  const rows = Buffer.alloc(height * (1 + 2 * width));
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rows.writeUInt16BE(Math.round((x / width) * 65535), y * (1 + 2 * width) + 1 + 2 * x);
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, png);
  return path;
}
