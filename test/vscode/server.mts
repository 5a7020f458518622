// Starts and stops the VS Code server that code-server ships (see REAL-VSCODE.md, step 4).
// The server spawns children (extension host, file watchers, an agent host) that outlive a kill of
// the server alone, so it runs in its own process group and we always end the whole group.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serverPaths } from './paths.mjs';

/** A running VS Code server on 127.0.0.1. */
export interface VsCodeServer {
  /** The port it listens on. */
  port: number;
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  /** The extensions folder it loads installed extensions from. */
  extensionsDir: string;
  /** Its user-data folder, whose logs/ holds each extension host's logs (for diagnosing a failure). */
  userDataDir: string;
  /** Everything the server printed so far (for diagnosing a failure). */
  output(): string;
  /** Ends the server and all its children, and deletes its fresh folders. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Use this extensions folder instead of a fresh empty one (e.g. after installVsix). */
  extensionsDir?: string;
  /** How long to wait for the server to listen. */
  timeoutMs?: number;
  /** The port to listen on; 0 (the default) lets the server pick a free one. */
  port?: number;
  /** User settings (User/settings.json) every window of this server starts with, e.g. a colour theme. */
  userSettings?: Record<string, unknown>;
  /**
   * Keep the user's settings and state in this folder, across runs (`npm start`), instead of a
   * fresh one; stop() leaves it in place.
   */
  userDataDir?: string;
}

const READY = /Extension host agent listening on (\d+)/;

// Process groups still running, ended synchronously if this process exits without stopping them.
const liveGroups = new Map<number, string>();
let exitHooksInstalled = false;

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const [pid, dataRoot] of liveGroups) {
      killGroup(pid, 'SIGKILL');
      fs.rmSync(dataRoot, { recursive: true, force: true });
    }
  });
  // Without these, Ctrl+C or a CI timeout would end us without running the 'exit' hook above.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => process.exit(128 + os.constants.signals[signal]));
  }
}

/** Signals a whole process group; false if no process of the group is left (signal 0 only checks). */
function killGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false; // the group is gone
    throw error;
  }
}

function groupAlive(pid: number): boolean {
  return killGroup(pid, 0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function endGroup(pid: number): Promise<void> {
  if (!killGroup(pid, 'SIGTERM')) return;
  for (let waited = 0; waited < 5000; waited += 100) {
    if (!groupAlive(pid)) return;
    await sleep(100);
  }
  killGroup(pid, 'SIGKILL');
  for (let waited = 0; waited < 2000 && groupAlive(pid); waited += 100) await sleep(100);
}

/**
 * Settings of the server's machine, which the workbench applies on top of its defaults. They turn
 * off what would only add noise and processes to a test run on a machine without internet.
 */
const MACHINE_SETTINGS = {
  'chat.disableAIFeatures': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
};

function writeMachineSettings(userData: string): void {
  const dir = path.join(userData, 'Machine');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(MACHINE_SETTINGS, null, 2));
}

/** The web workbench keeps its user settings on the server, in the server's user-data folder. */
function writeUserSettings(userData: string, settings: Record<string, unknown>): void {
  const dir = path.join(userData, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

/** The flags every server start uses: loopback only, no token, smoke-test driver for `payload`. */
function serverFlags(dirs: { userData: string; extensions: string; serverData: string }, port: number): string[] {
  return [
    '--host',
    '127.0.0.1',
    '--port',
    String(port), // 0: the server picks a free port and prints it
    '--without-connection-token',
    '--accept-server-license-terms',
    '--enable-smoke-test-driver',
    '--disable-workspace-trust',
    '--disable-telemetry',
    '--user-data-dir',
    dirs.userData,
    '--extensions-dir',
    dirs.extensions,
    '--server-data-dir',
    dirs.serverData,
  ];
}

/**
 * Starts the VS Code server with Node 24 on a free loopback port, with fresh user-data,
 * extensions and server-data folders under the system temp folder, and resolves once it listens.
 * Rejects (after ending the process group) if it exits or does not listen within the time limit.
 */
export async function startServer(options: StartOptions = {}): Promise<VsCodeServer> {
  const { node, serverMain } = serverPaths();
  if (!fs.existsSync(serverMain)) {
    throw new Error(`The VS Code server is not installed (${serverMain}): run node --import tsx test/vscode/install.mts`);
  }
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'marginalia-vscode-'));
  const dirs = {
    userData: options.userDataDir ?? path.join(dataRoot, 'user-data'),
    extensions: options.extensionsDir ?? path.join(dataRoot, 'extensions'),
    serverData: path.join(dataRoot, 'server-data'),
  };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
  writeMachineSettings(dirs.userData);
  if (options.userSettings) writeUserSettings(dirs.userData, options.userSettings);

  installExitHooks();
  const child = spawn(node, [serverMain, ...serverFlags(dirs, options.port ?? 0)], {
    detached: true, // own process group, so stop() reaches every child
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('Could not spawn the VS Code server');
  liveGroups.set(pid, dataRoot);

  let output = '';
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await endGroup(pid);
    liveGroups.delete(pid);
    fs.rmSync(dataRoot, { recursive: true, force: true });
  };

  try {
    const port = await waitForPort(child, options.timeoutMs ?? 60_000, (chunk) => {
      output += chunk;
    });
    return {
      port,
      origin: `http://127.0.0.1:${port}`,
      extensionsDir: dirs.extensions,
      userDataDir: dirs.userData,
      output: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- server output ---\n${output}`);
  }
}

function waitForPort(child: ChildProcess, timeoutMs: number, collect: (chunk: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`The VS Code server did not listen within ${timeoutMs} ms`)), timeoutMs);
    const onData = (data: Buffer) => {
      const chunk = data.toString();
      collect(chunk);
      seen += chunk;
      const match = READY.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`The VS Code server exited (${signal ?? code}) before listening`));
    });
  });
}

/**
 * Installs a `.vsix` into an extensions folder the way a user would, with the server's own CLI
 * (`server-main.js --install-extension`). Throws with the CLI's output if it fails.
 */
export function installVsix(vsixPath: string, extensionsDir: string): string {
  const { node, serverMain } = serverPaths();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'marginalia-vsix-'));
  try {
    const result = spawnSync(
      node,
      [
        serverMain,
        '--install-extension',
        vsixPath,
        '--force',
        '--extensions-dir',
        extensionsDir,
        '--user-data-dir',
        path.join(scratch, 'user-data'),
        '--server-data-dir',
        path.join(scratch, 'server-data'),
        '--accept-server-license-terms',
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    if (result.status !== 0) {
      throw new Error(`Installing ${vsixPath} failed (${result.error?.message ?? result.signal ?? result.status}):\n${output}`);
    }
    return output;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
