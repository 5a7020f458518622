/**
 * The file the extension's search index is cached in (VS Code's storage for the workspace):
 *
 *     MARGINALIA-SEARCH-INDEX <checksum> <payload length><spaces>\n<SearchIndex.serialize()>
 *
 * The header line is padded to a multiple of 8 bytes, so that the payload's typed arrays stay
 * aligned and are viewed, not copied. The checksum (src/node/checksum.ts) covers the payload, whose
 * exact length the header gives: a flipped bit, a torn write or anything appended is a damaged
 * file, which the worker reports and rebuilds.
 */
import { checksum } from '../checksum';

const MAGIC = 'MARGINALIA-SEARCH-INDEX';
/** The longest header line read; a real one is under 80 bytes. */
const MAX_HEADER = 256;

/** Why a cached index file is not believed: a short phrase for the log. */
export class IndexFileError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'IndexFileError';
  }
}

/** The bytes to write for `payload` (a serialised index): the header line, then the payload. */
export function encodeIndexFile(payload: Uint8Array): Uint8Array[] {
  const line = `${MAGIC} ${checksum(payload)} ${payload.byteLength}`;
  const padded = line.padEnd(Math.ceil((line.length + 1) / 8) * 8 - 1, ' ');
  return [Buffer.from(`${padded}\n`, 'latin1'), payload];
}

/** The payload of a file written by encodeIndexFile, as a view of `bytes`. Throws IndexFileError on anything else. */
export function decodeIndexFile(bytes: Uint8Array): Uint8Array {
  const newline = bytes.subarray(0, MAX_HEADER).indexOf(0x0a);
  if (newline < 0) throw new IndexFileError('the file has no header');
  const header = /^(\S+) (\S+) (\d{1,15}) *$/.exec(Buffer.from(bytes.buffer, bytes.byteOffset, newline).toString('latin1'));
  if (!header || header[1] !== MAGIC) throw new IndexFileError('the header is damaged');
  const payload = bytes.subarray(newline + 1);
  if (Number(header[3]) !== payload.byteLength) throw new IndexFileError(`the file holds ${payload.byteLength} bytes after its header, not ${header[3]}`);
  if (checksum(payload) !== header[2]) throw new IndexFileError('the file fails its checksum');
  return payload;
}
