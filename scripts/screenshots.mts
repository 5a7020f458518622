// `npm run screenshots`: the README's pictures, taken by the e2e suite. Builds, runs the e2e files
// that take them (in a real VS Code, as `npm test` does), and copies the chosen screenshots from
// test-results/e2e/ to docs/images/. Run it when the UI changes, look at every picture, commit them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureServerInstalled } from '../test/vscode/install.mjs';
import { repoRoot, testResultsDir } from '../test/vscode/paths.mjs';

/** docs/images/<name>.png <- test-results/e2e/<screenshot>.png, and the e2e file that takes it. */
export const PICTURES = [
  { name: 'papers-tree', screenshot: 'tree-2-group-expanded', test: 'papersTree' },
  { name: 'paper-view-light', screenshot: 'paper-view-1-light', test: 'paperView' },
  { name: 'paper-view-dark', screenshot: 'paper-view-3-dark', test: 'paperView' },
  { name: 'citation-hover', screenshot: 'citation-hover-code', test: 'citations' },
  { name: 'search', screenshot: 'search-1-quick-pick-results', test: 'search' },
  { name: 'related-view', screenshot: 'search-4-related-view-light', test: 'search' },
  { name: 'walkthrough', screenshot: 'walkthrough-1-start', test: 'walkthrough' },
  { name: 'reading-queue-light', screenshot: 'reading-queue-light', test: 'readingQueue' },
  { name: 'reading-queue-dark', screenshot: 'reading-queue-dark', test: 'readingQueue' },
  { name: 'math-paper-view', screenshot: 'math-2-paper-view-light', test: 'math' },
] as const;

const docsImages = path.join(repoRoot, 'docs', 'images');
const shots = path.join(testResultsDir, 'e2e');

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}): no picture was replaced.`);
    process.exit(1);
  }
}

run(process.execPath, [path.join(repoRoot, 'esbuild.mjs')]);
await ensureServerInstalled();
fs.rmSync(shots, { recursive: true, force: true });
const files = [...new Set(PICTURES.map(({ test }) => path.join('test', 'e2e', `${test}.test.mts`)))];
run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=dot', ...files]);

const missing = PICTURES.filter(({ screenshot }) => !fs.existsSync(path.join(shots, `${screenshot}.png`)));
if (missing.length > 0) {
  console.error(`The e2e tests passed but took no ${missing.map(({ screenshot }) => screenshot).join(', ')}: fix PICTURES in scripts/screenshots.mts.`);
  process.exit(1);
}
fs.mkdirSync(docsImages, { recursive: true });
for (const { name, screenshot } of PICTURES) {
  fs.copyFileSync(path.join(shots, `${screenshot}.png`), path.join(docsImages, `${name}.png`));
  console.log(`docs/images/${name}.png  <-  test-results/e2e/${screenshot}.png`);
}
console.log('Look at each picture before committing it.');
