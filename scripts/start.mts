// `npm start`: builds and packages Marginalia as a .vsix, installs it into the VS Code server the
// tests use (installing that server first if needed), opens the sample digests in seeds/, and
// prints the address to open in a browser. Ctrl+C stops the server.
//   npm start                 (PORT=8080 npm start for another port; FOLDER=/path for another folder)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureServerInstalled } from '../test/vscode/install.mjs';
import { repoRoot } from '../test/vscode/paths.mjs';
import { installVsix, startServer, type VsCodeServer } from '../test/vscode/server.mjs';

const folder = path.resolve(process.env.FOLDER ?? path.join(repoRoot, 'seeds'));
const port = Number(process.env.PORT ?? 3000);
const vsix = path.join(repoRoot, '.vscode-test', 'marginalia.vsix');
const extensionsDir = path.join(repoRoot, '.vscode-test', 'start-extensions');

function step(message: string): void {
  console.log(`\n> ${message}`);
}

step('Packaging the extension (npm run package)');
fs.mkdirSync(path.dirname(vsix), { recursive: true });
const packaged = spawnSync('npm', ['run', 'package', '--', '--out', vsix], { cwd: repoRoot, stdio: 'inherit' });
if (packaged.status !== 0) {
  console.error('Packaging failed; see the output above.');
  process.exit(1);
}

step('Making sure the VS Code server is installed (the first time takes 2-3 minutes)');
await ensureServerInstalled();

step(`Installing ${path.relative(repoRoot, vsix)} into the server`);
fs.mkdirSync(extensionsDir, { recursive: true });
installVsix(vsix, extensionsDir);

step('Starting the VS Code server');
let server: VsCodeServer;
try {
  server = await startServer({ extensionsDir, port });
} catch (error) {
  console.log(`Port ${port} is not free (${(error as Error).message.split('\n')[0]}); using another one.`);
  server = await startServer({ extensionsDir });
}

const url = `${server.origin}/?folder=${encodeURIComponent(folder)}`;
console.log(`
Marginalia is running in VS Code ${'(the web workbench of the VS Code server)'} on ${folder}.

    Open ${url}

in Chromium, Chrome, Edge or Firefox on this machine, then click the Marginalia icon in the
activity bar. Press Ctrl+C here to stop.
`);

await new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await server.stop();
