/**
 * `npm run bench:parse`: parse speed on a ~100 MB digest built from the seeds (the four seed files
 * concatenated over and over, as a user who appends every day's digest to one file would have it),
 * next to the floor: reading the same file, decoding it as UTF-8 and splitting it into lines.
 *
 *     npm run bench:parse [-- --mb 100 --runs 5]
 */
import { readFileSync, readdirSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseDigest } from '../../src/core/digest/parser';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '100' }, runs: { type: 'string', default: '5' } } });
const targetBytes = Number(values.mb) * 1e6;
const runs = Number(values.runs);

const seedsFolder = path.join(__dirname, '..', '..', 'seeds');
const seeds = readdirSync(seedsFolder)
  .filter((name) => name.endsWith('.txt'))
  .sort()
  .map((name) => readFileSync(path.join(seedsFolder, name), 'utf8'));
const seedEntries = seeds.reduce((sum, text, i) => sum + parseDigest(text, String(i)).entries.length, 0);

const parts: string[] = [];
let size = 0;
let copies = 0;
while (size < targetBytes) {
  for (const text of seeds) {
    const part = text.endsWith('\n') ? `${text}\n` : `${text}\n\n`;
    parts.push(part);
    size += Buffer.byteLength(part);
  }
  copies++;
}
const folder = mkdtempSync(path.join(tmpdir(), 'marginalia-bench-'));
const file = path.join(folder, 'big-digest.txt');
writeFileSync(file, parts.join(''));
const megabytes = size / 1e6;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(work: () => void): number {
  const start = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const floorTimes: number[] = [];
const parseTimes: number[] = [];
const parseOnlyTimes: number[] = [];
let lines = 0;
let entries = 0;
let diagnostics = 0;
const readText = () => new TextDecoder('utf-8').decode(readFileSync(file));
for (let run = 0; run < runs; run++) {
  floorTimes.push(
    time(() => {
      const text = readText();
      // The fastest plain split, as the parser uses it for files without CR line breaks.
      lines = (text.includes('\r') ? text.split(/\r\n|\r|\n/) : text.split('\n')).length;
    }),
  );
  parseTimes.push(
    time(() => {
      const parsed = parseDigest(readText(), file);
      entries = parsed.entries.length;
      diagnostics = parsed.diagnostics.length;
    }),
  );
  const text = readText();
  parseOnlyTimes.push(time(() => parseDigest(text, file)));
}
rmSync(folder, { recursive: true, force: true });

const floor = megabytes / median(floorTimes);
const ours = megabytes / median(parseTimes);
const parseOnly = megabytes / median(parseOnlyTimes);
console.log(`digest: ${megabytes.toFixed(1)} MB, ${lines.toLocaleString('en')} lines, ${copies} copies of the ${seeds.length} seeds; median of ${runs} runs`);
console.log(
  `entries parsed: ${entries.toLocaleString('en')} (expected ${(seedEntries * copies).toLocaleString('en')}), diagnostics: ${diagnostics} (the headers of the pasted-together digests)`,
);
console.log('');
console.log('| what | time | speed | vs floor |');
console.log('|---|---|---|---|');
console.log(`| floor: read + UTF-8 decode + line split | ${median(floorTimes).toFixed(3)} s | ${floor.toFixed(0)} MB/s | 1.00x |`);
console.log(`| read + UTF-8 decode + parseDigest | ${median(parseTimes).toFixed(3)} s | ${ours.toFixed(0)} MB/s | ${(ours / floor).toFixed(2)}x |`);
console.log(
  `| parseDigest alone (text in memory) | ${median(parseOnlyTimes).toFixed(3)} s | ${parseOnly.toFixed(0)} MB/s | ${(parseOnly / floor).toFixed(2)}x |`,
);
if (entries !== seedEntries * copies) {
  console.error('The parser found a different number of entries than the seeds hold: the benchmark is not measuring a correct parse.');
  process.exitCode = 1;
}
