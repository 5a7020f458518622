// The floor of the library benchmark: what no reader of the digests can beat. Reads every .txt file
// under the folders given and splits it into lines, in plain Node, and prints
// {"ms": time inside the process, "files", "lines", "bytes"} as JSON. Run as a fresh process, like
// the CLI, so that its wall and CPU time also count Node's own start.
import { promises as fs } from 'node:fs';
import path from 'node:path';

const started = performance.now();
async function walk(folder) {
  const found = [];
  for (const entry of await fs.readdir(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(full)));
    else if (entry.name.endsWith('.txt')) found.push(full);
  }
  return found;
}
let lines = 0;
let bytes = 0;
let files = 0;
for (const folder of process.argv.slice(2)) {
  for (const file of (await walk(folder)).sort()) {
    const text = await fs.readFile(file, 'utf8');
    lines += text.split('\n').length;
    bytes += text.length;
    files++;
  }
}
console.log(JSON.stringify({ ms: performance.now() - started, files, lines, bytes }));
