// `npm start`: builds and packages Marginalia as a .vsix, installs it into the VS Code server the
// tests use (installing that server first if needed), opens a copy of the sample digests kept
// outside the repository (test/vscode/sampleWorkspace.mts), and prints the address to open in a
// browser. A few lines on the terminal; everything else goes to .vscode-test/start/start.log.
// Your VS Code settings and the sample workspace (with your notes) are kept between runs.
//   npm start            PORT=8080 npm start for another port; FOLDER=/path npm start for another
//                        folder; FRESH=1 npm start to set the sample workspace aside and start anew
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureServerInstalled } from '../test/vscode/install.mjs';
import { repoRoot } from '../test/vscode/paths.mjs';
import { defaultSampleWorkspace, prepareSampleWorkspace } from '../test/vscode/sampleWorkspace.mjs';
import { installVsix, startServer, type VsCodeServer } from '../test/vscode/server.mjs';
import { CODE_SERVER_VERSION, VSCODE_VERSION } from '../test/vscode/versions.mjs';

const stateDir = path.join(repoRoot, '.vscode-test', 'start');
const vsix = path.join(stateDir, 'marginalia.vsix');
const extensionsDir = path.join(stateDir, 'extensions');
const userDataDir = path.join(stateDir, 'user-data');
const logFile = path.join(stateDir, 'start.log');
const port = Number(process.env.PORT ?? 3000);

fs.mkdirSync(stateDir, { recursive: true });
fs.writeFileSync(logFile, `npm start, ${new Date().toISOString()}\n`);
const log = (text: string) => fs.appendFileSync(logFile, text.endsWith('\n') ? text : `${text}\n`);
const shown = (file: string) => (file.startsWith(repoRoot + path.sep) ? path.relative(repoRoot, file) : file);
const row = (label: string, value: string) => console.log(`  ${label.padEnd(12)} ${value}`);

function fail(message: string): never {
  console.error(`\n${message}\nThe details are in ${shown(logFile)}.`);
  process.exit(1);
}

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
console.log(`Marginalia ${manifest.version}`);

// Packaging type-checks, lints and builds (vscode:prepublish) and prints one summary line.
const packaged = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'package.mjs'), '--out', vsix], { cwd: repoRoot, encoding: 'utf8' });
log(`$ npm run package -- --out ${vsix}\n${packaged.stdout}${packaged.stderr}`);
if (packaged.status !== 0) fail(`Packaging failed: ${(packaged.stderr || packaged.stdout).trim().split('\n').slice(-3).join(' ')}`);
const summary = /^Packaged \S+: (.*?) \(budget/m.exec(packaged.stdout)?.[1] ?? '';
row('built', `${shown(vsix)} (${summary}; type-checked and linted)`);

try {
  await ensureServerInstalled((line) => {
    log(line);
    if (line.startsWith('installing code-server')) console.log('  (installing the VS Code server once: 2-3 minutes)');
  });
  log(installVsix(vsix, extensionsDir));
} catch (error) {
  log(String((error as Error).stack ?? error));
  fail(`Could not install the extension into the VS Code server: ${(error as Error).message.split('\n')[0]}`);
}
row('installed', `into VS Code ${VSCODE_VERSION} (code-server ${CODE_SERVER_VERSION}'s server), extensions in ${shown(extensionsDir)}`);

let folder: string;
if (process.env.FOLDER) {
  folder = path.resolve(process.env.FOLDER);
  row('workspace', folder);
} else {
  const samples = prepareSampleWorkspace(defaultSampleWorkspace(), { fresh: Boolean(process.env.FRESH) });
  folder = samples.folder;
  row('workspace', `${folder} (${samples.created ? 'a new copy of seeds/' : 'kept from the last run: FRESH=1 npm start for a new copy'})`);
  if (samples.movedAside) row('', `the earlier one is now ${samples.movedAside}`);
}

let server: VsCodeServer;
try {
  server = await startServer({ extensionsDir, port, userDataDir });
} catch (error) {
  log(`port ${port}: ${(error as Error).message}`);
  server = await startServer({ extensionsDir, userDataDir }).catch((second: unknown) => {
    log(String(second));
    return fail('The VS Code server did not start.');
  });
  row('note', `port ${port} is taken, so the server listens on ${server.port}`);
}
row('settings', `${shown(userDataDir)} (kept between runs)`);
row('log', shown(logFile));

const url = `${server.origin}/?folder=${encodeURIComponent(folder)}`;
console.log(`\nOpen ${url}\nin Chromium, Chrome, Edge or Firefox on this machine and click the Marginalia icon in the activity bar.\nCtrl+C stops the server.`);

// The server's own exit hooks (server.mts) end it on Ctrl+C; its output is kept for the log.
process.on('exit', () => log(`--- server output ---\n${server.output()}`));
await new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await server.stop();
