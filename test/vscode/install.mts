// Installs Node 24 and the VS Code server (inside code-server) into .vscode-test/server/, once
// (REAL-VSCODE.md, steps 1 and 3). A marker file records the pinned versions; when it is missing or
// names other versions, the cache is rebuilt from scratch. Run directly to install ahead of time:
//   node --import tsx test/vscode/install.mts
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { serverCacheDir, serverPaths } from './paths.mjs';
import type { ServerPaths } from './paths.mjs';
import { startServer } from './server.mjs';
import { MIN_RIPGREP, SERVER_FLAVOUR, SERVER_VERSIONS } from './versions.mjs';

const markerPath = path.join(serverCacheDir, 'installed.json');
const logPath = path.join(serverCacheDir, '..', SERVER_FLAVOUR === 'min' ? 'server-min-install.log' : 'server-install.log');
const CODE_SERVER_VERSION = SERVER_VERSIONS.codeServer;
const NODE_VERSION = SERVER_VERSIONS.node;

interface Marker {
  codeServer: string;
  node: string;
}

const wanted: Marker = { codeServer: CODE_SERVER_VERSION, node: NODE_VERSION };

function isInstalled(): boolean {
  try {
    const marker = JSON.parse(fs.readFileSync(markerPath, 'utf8')) as Marker;
    const paths = serverPaths();
    return marker.codeServer === wanted.codeServer && marker.node === wanted.node && fs.existsSync(paths.node) && fs.existsSync(paths.serverMain);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * The environment for the nested npm installs. An outer `npm test` exports its own settings as
 * `npm_*` variables; npm would read them back as config, and code-server's postinstall would then
 * see the outer npm's user agent ("node/v20") and refuse to build. Both npm invocations re-read
 * the same npmrc files, so nothing else is lost by dropping them.
 */
function npmEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith('npm_')) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs npm install (or `command` with `args`) in `dir`, appending its output to the install log. */
function npmInstall(
  dir: string,
  env: NodeJS.ProcessEnv,
  command = 'npm',
  args = ['install', '--no-audit', '--no-fund', '--foreground-scripts'],
): Promise<void> {
  const log = fs.openSync(logPath, 'a');
  fs.writeSync(log, `\n$ (cd ${dir} && ${command} ${args.join(' ')})\n`);
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: dir,
      env,
      stdio: ['ignore', log, log],
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args[0]} in ${dir} failed (${signal ?? code}); see ${logPath}:\n${tail(logPath, 30)}`));
    });
  }).finally(() => fs.closeSync(log));
}

function tail(file: string, lines: number): string {
  return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

function writeProject(dir: string, manifest: object): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ private: true, ...manifest }, null, 2)}\n`);
}

/**
 * The server's native modules build against the Kerberos (gssapi) headers of Debian's
 * libkrb5-dev. On a fresh Debian machine, installs the package when running as root (as CI and
 * these machines do); otherwise says which command to run. Elsewhere (no dpkg) it trusts the system.
 */
function ensureKerberosHeaders(log: (line: string) => void): void {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Status}', 'libkrb5-dev'], { encoding: 'utf8' });
  if (query.error) return; // not a Debian-like system: nothing to check with
  if (query.stdout.includes('install ok installed')) return;
  if (process.getuid?.() !== 0) {
    throw new Error('The VS Code server needs the Kerberos headers to build: run "sudo apt-get install -y libkrb5-dev", then try again.');
  }
  log('installing libkrb5-dev with apt-get (the server builds a native module against it)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'libkrb5-dev']]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed; install libkrb5-dev yourself and try again.`);
  }
}

/**
 * code-server 4.100 (the oldest VS Code we promise) needs three things the current one does not:
 * its ripgrep package downloads the binary from GitHub (unreachable here), so the download cache
 * it looks in first is filled from the npm package @vscode/ripgrep-universal; as root its
 * postinstall asks for npm's old unsafe-perm flag; and node-pty's postinstall runs npx, which must
 * not stop to ask. So it is installed without scripts, then its postinstall is run with those set.
 */
async function installOldCodeServer(paths: ServerPaths, env: NodeJS.ProcessEnv): Promise<void> {
  await npmInstall(paths.codeServerDir, env, 'npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts']);

  const ripgrepDir = path.join(serverCacheDir, 'ripgrep');
  writeProject(ripgrepDir, { dependencies: { '@vscode/ripgrep-universal': MIN_RIPGREP.universal } });
  await npmInstall(ripgrepDir, env);
  const target = ripgrepTarget();
  const binary = path.join(ripgrepDir, 'node_modules', '@vscode', 'ripgrep-universal', 'bin', `${process.platform}-${process.arch}`, 'rg');
  if (!target || !fs.existsSync(binary))
    throw new Error(`No ripgrep binary for ${process.platform}-${process.arch} in @vscode/ripgrep-universal ${MIN_RIPGREP.universal}`);
  const tmp = path.join(serverCacheDir, 'tmp');
  const cache = path.join(tmp, `vscode-ripgrep-cache-${MIN_RIPGREP.package}`);
  fs.mkdirSync(cache, { recursive: true });
  const stage = fs.mkdtempSync(path.join(tmp, 'rg-'));
  fs.copyFileSync(binary, path.join(stage, 'rg'));
  fs.chmodSync(path.join(stage, 'rg'), 0o755);
  const tar = spawnSync('tar', ['czf', path.join(cache, `ripgrep-${MIN_RIPGREP.asset}-${target}.tar.gz`), '-C', stage, 'rg']);
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr.toString()}`);

  const nodeVersion = spawnSync(paths.node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  await npmInstall(
    path.join(paths.codeServerDir, 'node_modules', 'code-server'),
    {
      ...env,
      TMPDIR: tmp,
      npm_config_user_agent: `npm/${spawnSync('npm', ['--version'], { encoding: 'utf8', env }).stdout.trim()} node/${nodeVersion} ${process.platform} ${process.arch}`,
      npm_config_unsafe_perm: 'true',
      npm_config_yes: 'true',
    },
    'sh',
    ['./postinstall.sh'],
  );
}

/** The ripgrep release target @vscode/ripgrep 1.15 downloads for this machine (its postinstall's own table, Linux x64/arm64 only). */
function ripgrepTarget(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  return process.arch === 'x64' ? 'x86_64-unknown-linux-musl' : process.arch === 'arm64' ? 'aarch64-unknown-linux-musl' : undefined;
}

async function install(log: (line: string) => void): Promise<void> {
  ensureKerberosHeaders(log);
  const paths = serverPaths();
  fs.rmSync(serverCacheDir, { recursive: true, force: true });
  fs.mkdirSync(serverCacheDir, { recursive: true });
  fs.writeFileSync(logPath, '');

  log(`installing node@${NODE_VERSION} into ${paths.nodeDir}`);
  writeProject(paths.nodeDir, {
    dependencies: { node: NODE_VERSION },
    // npm 11 blocks dependency install scripts; this one fetches the platform's Node binary.
    allowScripts: { [`node@${NODE_VERSION}`]: true },
  });
  await npmInstall(paths.nodeDir, npmEnv({}));

  log(`installing code-server@${CODE_SERVER_VERSION} into ${paths.codeServerDir} (2-3 minutes)`);
  writeProject(paths.codeServerDir, {
    dependencies: { 'code-server': CODE_SERVER_VERSION },
    allowScripts: {
      // Its postinstall installs and builds VS Code's own dependencies (lib/vscode), whose
      // package.json lists the native modules it allows.
      [`code-server@${CODE_SERVER_VERSION}`]: true,
      // Password hashing for code-server's own login page, which we never start.
      argon2: false,
    },
  });
  const env = npmEnv({
    // Run npm (and so the postinstall and node-gyp) with the server's Node, building against its headers.
    PATH: `${path.dirname(paths.node)}${path.delimiter}${process.env.PATH ?? ''}`,
    npm_config_nodedir: paths.nodeHeaders,
  });
  if (SERVER_FLAVOUR === 'min') await installOldCodeServer(paths, env);
  else await npmInstall(paths.codeServerDir, env);

  // Prove the server starts before promising it does.
  log('checking that the server starts');
  const server = await startServer();
  await server.stop();
  fs.writeFileSync(markerPath, `${JSON.stringify(wanted, null, 2)}\n`);
}

/**
 * Makes sure the pinned Node 24 and VS Code server are in the cache, installing them if missing,
 * and returns where they are. Cheap when the cache is already there.
 */
export async function ensureServerInstalled(log: (line: string) => void = console.log): Promise<ServerPaths> {
  if (!isInstalled()) {
    const started = performance.now();
    await install(log);
    log(`VS Code server installed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return serverPaths();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const paths = await ensureServerInstalled();
  console.log(`VS Code server ready: ${paths.serverMain} (VS Code ${SERVER_VERSIONS.vscode}, Node ${NODE_VERSION})`);
}
