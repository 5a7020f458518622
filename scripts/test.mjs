// `npm test`: build, then the unit tests (Node's test runner), then the integration and e2e suites
// in a real VS Code (test/vscode/). Prints each phase's counts and time, and ends with exactly one
// line "N passed, N failed" summed over the phases. A phase that crashes counts as 1 failure.
//
//   npm test                         everything
//   npm test -- --unit               only the unit tests (any of --unit, --integration, --e2e)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const flags = new Set(process.argv.slice(2));
const unknown = [...flags].filter((flag) => !['--unit', '--integration', '--e2e'].includes(flag));
if (unknown.length > 0) {
  console.error(`Unknown option(s) ${unknown.join(' ')}: use --unit, --integration and/or --e2e`);
  process.exit(2);
}
const all = flags.size === 0;

// The CLI keeps a cache in the user's cache folder: tests get a folder of their own, removed at the end.
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marginalia-test-cache-'));
process.on('exit', () => fs.rmSync(cacheDir, { recursive: true, force: true }));
const testEnv = { ...process.env, MARGINALIA_CACHE_DIR: cacheDir };
const wanted = { unit: all || flags.has('--unit'), integration: all || flags.has('--integration'), e2e: all || flags.has('--e2e') };

/**
 * Runs a command with its output shown as it comes, and resolves with its exit code and stdout.
 * @param {string} command
 * @param {string[]} args
 * @returns {Promise<{ code: number | null, stdout: string }>}
 */
function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: testEnv });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      stdout += chunk;
    });
    child.once('error', (error) => {
      console.error(error);
      resolve({ code: null, stdout });
    });
    child.once('close', (code) => resolve({ code, stdout }));
  });
}

/** Reads the "<phase>: N passed, N failed" line a runner of test/vscode/ prints last. */
function runnerCounts(stdout, phase) {
  const lines = [...stdout.matchAll(new RegExp(`^${phase}: (\\d+) passed, (\\d+) failed$`, 'gm'))];
  const last = lines.at(-1);
  return last ? { passed: Number(last[1]), failed: Number(last[2]) } : undefined;
}

/** Reads the summary counts of Node's TAP reporter; a cancelled test (timeout) counts as failed. */
function tapCounts(tap) {
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
  return { passed: count('pass'), failed: count('fail') + count('cancelled') };
}

async function build() {
  const bundles = await run('npm', ['run', 'build']);
  if (bundles.code !== 0) return { passed: 0, failed: 1, note: 'npm run build failed' };
  const tests = await run('npm', ['run', 'build:tests']);
  if (tests.code !== 0) return { passed: 0, failed: 1, note: 'npm run build:tests failed' };
  return { passed: 0, failed: 0, note: 'ok' };
}

/**
 * Types (`npm run typecheck`: the Node, webview and e2e programs, each with its own tsconfig) and lint
 * (module boundaries, import cycles and the type-aware rules included) and formatting (`npm run
 * format:check`: Prettier; `npm run format` fixes it): each that fails counts as one failure.
 */
async function checks() {
  const failures = [];
  for (const script of ['typecheck', 'lint', 'format:check']) {
    const { code } = await run('npm', ['run', '--silent', script]);
    if (code !== 0) failures.push(script);
  }
  return failures.length === 0 ? { passed: 0, failed: 0, note: 'ok' } : { passed: 0, failed: failures.length, note: `${failures.join(', ')} failed` };
}

/**
 * The BibTeX toolchain that test/unit/bibliography/toolchain.test.ts runs (Debian packages). On a fresh
 * Debian machine, as root (CI), missing packages are installed with apt-get, as the VS Code server
 * harness does for libkrb5-dev; otherwise a missing tool fails that test, and this says up front
 * which one and how to install it.
 */
function ensureBibToolchain() {
  const tools = [
    { name: 'biber', args: ['--version'], apt: 'biber' },
    { name: 'bibtex', args: ['--version'], apt: 'texlive-binaries' },
    { name: 'kpsewhich', args: ['plain.bst'], apt: 'texlive-base', what: 'plain.bst' },
    { name: 'pandoc', args: ['--version'], apt: 'pandoc' },
    // The sentence-case CSL style (APA) the toolchain test renders with.
    { name: 'test', args: ['-f', '/usr/share/citation-style-language/styles/apa.csl'], apt: 'citation-style-language-styles', what: 'apa.csl' },
  ];
  const missingTools = () =>
    tools.filter(({ name, args }) => {
      const result = spawnSync(name, args, { encoding: 'utf8' });
      return result.error !== undefined || result.status !== 0 || (name === 'kpsewhich' && result.stdout.trim() === '');
    });
  let missing = missingTools();
  const packages = () => [...new Set(missing.map(({ apt }) => apt))];
  if (missing.length > 0 && process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0) {
    console.log(`Installing the BibTeX toolchain the tests run: apt-get install ${packages().join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...packages()]]) spawnSync('apt-get', args, { stdio: 'inherit', env });
    missing = missingTools();
  }
  for (const { name, apt, what } of missing)
    console.error(`Missing ${what ?? name} (the BibTeX toolchain tests will fail): apt-get install --no-install-recommends ${apt}`);
  if (missing.length > 0) console.error(`Or all at once: apt-get install -y --no-install-recommends ${packages().join(' ')}`);
}

async function unit() {
  ensureBibToolchain();
  const dir = path.join(root, 'test', 'unit');
  // test/unit/ mirrors src/core/ (and has node/ and cli/): its test files at any depth.
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true })
        .map(String)
        .filter((name) => name.endsWith('.test.ts'))
        .sort()
    : [];
  if (files.length === 0) return { passed: 0, failed: 0, note: 'no test/unit/**/*.test.ts' };
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'marginalia-unit-'));
  try {
    const tapFile = path.join(scratch, 'report.tap');
    // The spec report is for people; the TAP report, written to a file, is for the counts.
    const { code } = await run(process.execPath, [
      '--import',
      'tsx',
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      ...files.map((name) => path.join('test', 'unit', name)),
    ]);
    const counts = tapCounts(fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '');
    if (code !== 0 && counts.failed === 0) return { ...counts, failed: 1, note: `crashed (exit ${code})` };
    return counts;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Runs one of the test/vscode/ runners with tsx and reads its counts line. */
async function vscodeRunner(script, phase) {
  const { code, stdout } = await run(process.execPath, ['--import', 'tsx', path.join('test', 'vscode', script)]);
  const counts = runnerCounts(stdout, phase);
  if (!counts) return { passed: 0, failed: 1, note: `crashed (exit ${code})` };
  if (code !== 0 && counts.failed === 0) return { ...counts, failed: 1, note: `exit ${code}` };
  return counts;
}

async function setup() {
  const { code } = await run(process.execPath, ['--import', 'tsx', path.join('test', 'vscode', 'install.mts')]);
  return code === 0 ? { passed: 0, failed: 0, note: 'ok' } : { passed: 0, failed: 1, note: 'installing the VS Code server failed' };
}

const phases = [
  { name: 'build', run: build, needed: true, gate: true },
  { name: 'types, lint, format', run: checks, needed: all },
  { name: 'unit', run: unit, needed: wanted.unit },
  { name: 'vscode setup', run: setup, needed: wanted.integration || wanted.e2e, gate: true },
  { name: 'integration', run: () => vscodeRunner('runIntegration.mts', 'integration'), needed: wanted.integration },
  { name: 'e2e', run: () => vscodeRunner('runE2e.mts', 'e2e'), needed: wanted.e2e },
];

const results = [];
let blockedBy;
for (const phase of phases.filter((candidate) => candidate.needed)) {
  if (blockedBy) {
    results.push({ name: phase.name, passed: 0, failed: 0, note: `not run: ${blockedBy} failed`, seconds: 0 });
    continue;
  }
  console.log(`\n=== ${phase.name} ===`);
  const started = performance.now();
  let result;
  try {
    result = await phase.run();
  } catch (error) {
    console.error(error);
    result = { passed: 0, failed: 1, note: 'crashed' };
  }
  const seconds = (performance.now() - started) / 1000;
  results.push({ name: phase.name, ...result, seconds });
  // Without a build or a server, the later phases could only crash: say so once instead.
  if (phase.gate && result.failed > 0) blockedBy = phase.name;
}

console.log('\n=== summary ===');
for (const { name, passed, failed, note, seconds } of results) {
  const counts = note === 'ok' ? 'ok' : `${passed} passed, ${failed} failed${note ? ` (${note})` : ''}`;
  console.log(`${name.padEnd(19)} ${counts.padEnd(38)} ${seconds.toFixed(1).padStart(6)} s`);
}
const passed = results.reduce((sum, result) => sum + result.passed, 0);
const failed = results.reduce((sum, result) => sum + result.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
