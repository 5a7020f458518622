import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SearchIndex } from '../../../../src/core/search/searchIndex';
import { IndexFileError, decodeIndexFile, encodeIndexFile } from '../../../../src/node/search/indexFile';
import { seedDocuments } from '../../search/searchDocuments';

const file = () => Buffer.concat(encodeIndexFile(SearchIndex.build(seedDocuments()).serialize()));

describe('the extension search index file', () => {
  test('reads back the index it holds, which answers as the original', () => {
    const bytes = file();
    const index = SearchIndex.deserialize(decodeIndexFile(bytes));
    const original = SearchIndex.build(seedDocuments());
    assert.equal(index.contentHash, original.contentHash);
    assert.deepEqual(index.search('cloning').hits, original.search('cloning').hits);
    // The payload starts on an 8-byte boundary, so that its typed arrays are views, not copies.
    assert.equal(encodeIndexFile(new Uint8Array(3))[0].byteLength % 8, 0);
  });

  test('every single bit flip over the header and 300 spread over the payload are refused', () => {
    const intact = file();
    const headerBits = (intact.indexOf(0x0a) + 1) * 8;
    const bits = [
      ...Array.from({ length: headerBits }, (_, i) => i),
      ...Array.from({ length: 300 }, (_, i) => headerBits + Math.floor((i * (intact.length * 8 - headerBits - 1)) / 299)),
    ];
    for (const bit of bits) {
      const copy = Buffer.from(intact);
      copy[bit >> 3] ^= 1 << (bit & 7);
      assert.throws(() => SearchIndex.deserialize(decodeIndexFile(copy)), IndexFileError, `bit ${bit}`);
    }
  });

  test('anything appended, a truncated file, an empty one or another file is refused', () => {
    const intact = file();
    const damaged = [
      Buffer.concat([intact, Buffer.from('\n')]),
      Buffer.concat([intact, Buffer.alloc(300_000, 0x61)]),
      intact.subarray(0, intact.length - 1),
      intact.subarray(0, intact.indexOf(0x0a) + 1),
      Buffer.alloc(0),
      SearchIndex.build(seedDocuments()).serialize(),
      Buffer.from('MARGINALIA-SEARCH-INDEX crc32:00000000 4\nabcd'),
    ];
    for (const [i, bytes] of damaged.entries()) assert.throws(() => decodeIndexFile(bytes), IndexFileError, `case ${i}`);
  });

  test('an index followed by bytes of its own is refused by the index itself', () => {
    const bytes = SearchIndex.build(seedDocuments()).serialize();
    const longer = new Uint8Array(bytes.length + 8);
    longer.set(bytes);
    assert.throws(() => SearchIndex.deserialize(longer), /bytes after its end/);
  });
});
