// `npm run package`: the .vsix a user installs, built by vsce, in a few lines instead of vsce's
// file tree (which goes to a log file beside the .vsix). Fails when vsce warns about anything or
// when the package outgrows its size budget, so that neither creeps in unnoticed.
//   npm run package                      marginalia-<version>.vsix in the repository root
//   npm run package -- --out FILE.vsix   anywhere else
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The most the .vsix may weigh. 750 KB until KaTeX, which adds 340 KB (its fonts 254 KB, woff2 that
 * does not compress further; its code 77 KB compressed; its stylesheet and licence notice 4 KB): the
 * package is about 845 KB with it. A new dependency that doubles the package should be a decision.
 */
export const VSIX_BUDGET_BYTES = (750 + 340) * 1024;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const vsix = path.resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1] : path.join(root, `${manifest.name}-${manifest.version}.vsix`));
const logFile = `${vsix.replace(/\.vsix$/, '')}.package.log`;
fs.mkdirSync(path.dirname(vsix), { recursive: true });

// No public repository exists yet: --allow-missing-repository says so instead of a made-up URL, and
// --no-rewrite-relative-links keeps the README's relative picture links (vsce would otherwise need
// that URL to make them absolute). The pictures (docs/images/, about 1.3 MB) stay out of the package.
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const result = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix], {
  cwd: root,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
});
const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
fs.writeFileSync(logFile, `$ vsce package --out ${vsix}\n${output}`);
const relative = (file) => (path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file));

if (result.status !== 0) {
  console.error(`vsce package failed (exit ${result.status ?? result.signal}); the last lines of ${relative(logFile)}:`);
  console.error(output.trim().split('\n').slice(-15).join('\n'));
  process.exit(1);
}
const warnings = output.split('\n').filter((line) => /\bWARNING\b/.test(line));
const files = /\((\d+) files?, /.exec(output)?.[1] ?? '?';
const bytes = fs.statSync(vsix).size;
const kb = (n) => `${Math.round(n / 1024)} KB`;
console.log(`Packaged ${relative(vsix)}: ${files} files, ${kb(bytes)} (budget ${kb(VSIX_BUDGET_BYTES)}); vsce's file list is in ${relative(logFile)}`);
let failed = false;
if (warnings.length > 0) {
  console.error(`vsce warned (fix the cause, see ${relative(logFile)}):\n${warnings.join('\n')}`);
  failed = true;
}
if (bytes > VSIX_BUDGET_BYTES) {
  console.error(
    `The .vsix is ${kb(bytes - VSIX_BUDGET_BYTES)} over its budget: leave the new files out in .vscodeignore, or raise VSIX_BUDGET_BYTES in scripts/package.mjs if the growth is worth it.`,
  );
  failed = true;
}
process.exitCode = failed ? 1 : 0;
