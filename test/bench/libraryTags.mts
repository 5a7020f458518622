// Puts the library benchmark's tags into a workspace's library file with the product's own code:
// the LibraryRecords and serializeLibraryFile of the tree given (`node --import tsx libraryTags.mts
// TREE WORKSPACE PAPERS_JSON PLAN_JSON`, run with TREE as the working folder). 1,000 distinct tags
// would take 1,000 `marginalia tag add` runs (one tag per run), each reading and writing the whole
// file, which the old code's quadratic reader makes hours long; this writes the file those runs
// would leave, in one go. It first checks that the tree's serializer, given the papers alone,
// writes exactly the file `marginalia papers` wrote; when it does not (another file format, other
// exports), it exits with 3 and the caller falls back to the CLI.
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [tree, workspace, papersJson, planJson] = process.argv.slice(2);
if (!planJson) {
  console.error('usage: libraryTags.mts TREE WORKSPACE PAPERS_JSON PLAN_JSON');
  process.exit(2);
}

interface Records {
  addTag(keys: readonly string[], tag: string): string[];
}
interface LibraryFileModule {
  LibraryRecords?: new (records: { key: string; title: string; tags: string[] }[]) => Records;
  serializeLibraryFile?: (records: Records) => string;
  LIBRARY_FILE_PATH?: string;
}

/** Exits with 3 (the caller falls back to the CLI) and says why. */
function cannot(why: string): never {
  console.error(`libraryTags: ${why}`);
  process.exit(3);
}

// Where the tree keeps its library file code: src/core/library/ now, src/core/ in 0.1.
const source =
  ['src/core/library/libraryFile.ts', 'src/core/libraryFile.ts'].find((file) => existsSync(path.join(tree, file))) ?? 'src/core/library/libraryFile.ts';
let module: LibraryFileModule;
try {
  module = (await import(pathToFileURL(path.join(tree, source)).href)) as LibraryFileModule;
} catch (error) {
  cannot(`cannot load ${source} (${(error as Error).message.split('\n')[0]})`);
}
const { LibraryRecords, serializeLibraryFile } = module;
if (typeof LibraryRecords !== 'function' || typeof serializeLibraryFile !== 'function')
  cannot(`this tree has no LibraryRecords / serializeLibraryFile in ${source}`);
const file = path.join(workspace, module.LIBRARY_FILE_PATH ?? '.marginalia/library.json');
const written = await fs
  .readFile(file, 'utf8')
  .catch(() => cannot(`"marginalia papers" wrote no ${path.relative(workspace, file)} (src/ and dist/ disagree?)`));
const papers = JSON.parse(await fs.readFile(papersJson, 'utf8')) as { key: string; title: string }[];
let records: Records;
try {
  records = new LibraryRecords(papers.map((paper) => ({ key: paper.key, title: paper.title, tags: [] })));
  if (serializeLibraryFile(records) !== written) cannot('its serializer does not reproduce the file "marginalia papers" wrote');
} catch (error) {
  cannot(`its LibraryRecords does not take the papers (${(error as Error).message})`);
}
const plan = JSON.parse(await fs.readFile(planJson, 'utf8')) as [string, string[]][];
let tagged = 0;
for (const [tag, keys] of plan) tagged += records.addTag(keys, tag).length;
const temporary = `${file}.${process.pid}.tmp`;
await fs.writeFile(temporary, serializeLibraryFile(records));
await fs.rename(temporary, file);
console.error(`libraryTags: ${plan.length} tags, ${tagged} paper-tag pairs`);
