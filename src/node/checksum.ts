/** The checksum of every on-disk cache: a cache that fails it is rebuilt, never believed. */
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';

const crc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/**
 * The checksum of `parts` read one after the other: CRC-32 where Node has it (20.15 and later),
 * SHA-256 elsewhere; the name before the colon says which (`crc32:1a2b3c4d`), so a file written by
 * the other kind of Node fails the comparison and is rebuilt. CRC-32 catches every single-bit and
 * every burst error up to 32 bits, which is what a torn write or a bad sector leaves.
 */
export function checksum(...parts: Uint8Array[]): string {
  if (typeof crc32 === 'function') {
    let value = 0;
    for (const part of parts) value = crc32(part, value);
    return `crc32:${value.toString(16).padStart(8, '0')}`;
  }
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return `sha256:${hash.digest('hex')}`;
}
