import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { FileAccessError, LockTimeoutError, acquireFileLock, describeAccessError } from '../../../../src/node/library/fileLock';
import { bundleForNode } from '../../../support/cli';
import { repoRoot } from '../../../support/paths';
import { tempFolder } from '../../../support/tempFolders';

/** Generous guards: a test that hangs fails instead of stalling the run. Nothing asserts on time. */
const GUARD = { timeout: 120_000 };
/** In whole seconds, which file times hold exactly. */
const HOUR_AGO = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);

/** The module bundled to plain JavaScript, so that child processes start quickly. */
let bundle = '';
before(async () => {
  bundle = await bundleForNode(path.join(repoRoot, 'src', 'node', 'library', 'fileLock.ts'), path.join(tempFolder('lock'), 'fileLock.js'));
});

interface Child {
  process: ChildProcess;
  pid: number;
  lines: string[];
  /** Resolves when the child has printed `line`; rejects when it exits first. */
  printed(line: string): Promise<void>;
  exited: Promise<number | null>;
}

/** Runs `script` in a child node with `lock` (the module) and `fs` in scope; its stdout is collected line by line. */
function child(script: string): Child {
  const code = `const lock = require(${JSON.stringify(bundle)}); const fs = require('node:fs');\n(async () => { ${script} })().catch((error) => { console.error(error); process.exitCode = 1; });`;
  const started = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiting: { line: string; resolve: () => void }[] = [];
  let rest = '';
  started.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiting.filter((w) => w.line === line)) waiter.resolve();
    }
  });
  const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
  return {
    process: started,
    pid: started.pid ?? -1,
    lines,
    exited,
    printed: (line) =>
      lines.includes(line)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiting.push({ line, resolve });
            void exited.then((code) => reject(new Error(`the child exited (${code}) before printing "${line}"; it printed ${JSON.stringify(lines)}`)));
          }),
  };
}

/** A child that takes the lock, says "locked", and stays alive until killed. */
function holder(lockPath: string): Child {
  return child(`await lock.acquireFileLock(${JSON.stringify(lockPath)}, { timeoutMs: 20000 }); console.log('locked'); setInterval(() => undefined, 60000);`);
}

async function kill(target: Child): Promise<void> {
  if (target.process.exitCode === null && target.process.signalCode === null) target.process.kill('SIGKILL');
  await target.exited;
}

/** The pid of a process that has run and exited. */
async function deadPid(): Promise<number> {
  const done = child('');
  await done.exited;
  return done.pid;
}

function ownerLine(pid: number, host = hostname(), started = new Date(Date.now() - 60_000)): string {
  return `${JSON.stringify({ pid, host, started: started.toISOString(), acquired: new Date().toISOString() })}\n`;
}

function collect(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}

describe('acquireFileLock', () => {
  test('takes the lock, writing its owner as one line of JSON, and release removes it', GUARD, async () => {
    const folder = tempFolder('lock');
    const lockPath = path.join(folder, 'library.json.lock');
    const handle = await acquireFileLock(lockPath, { timeoutMs: 5_000 });
    const text = readFileSync(lockPath, 'utf8');
    assert.match(text, /^\{[^\n]*\}\n$/);
    const written = JSON.parse(text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(written), ['pid', 'host', 'started', 'acquired']);
    assert.deepEqual(written, { ...handle.owner });
    assert.equal(handle.owner.pid, process.pid);
    assert.equal(handle.owner.host, hostname());
    assert.ok(Date.parse(handle.owner.started) <= Date.parse(handle.owner.acquired));
    await handle.release();
    await handle.release();
    assert.deepEqual(readdirSync(folder), [], 'no lock, temporary or breaker file is left');
  });

  test('a second acquirer waits until the first releases', GUARD, async () => {
    const lockPath = path.join(tempFolder('lock'), 'x.lock');
    const first = await acquireFileLock(lockPath, { timeoutMs: 5_000 });
    let secondHasIt = false;
    const second = acquireFileLock(lockPath, { timeoutMs: 60_000 }).then((handle) => {
      secondHasIt = true;
      return handle;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(secondHasIt, false, 'the second waits while the first holds the lock');
    await first.release();
    const handle = await second;
    assert.equal(JSON.parse(readFileSync(lockPath, 'utf8')).acquired, handle.owner.acquired);
    await handle.release();
  });

  test('a lock held by this process is not taken over by another acquire in it', GUARD, async () => {
    const lockPath = path.join(tempFolder('lock'), 'x.lock');
    const held = await acquireFileLock(lockPath);
    await assert.rejects(acquireFileLock(lockPath, { timeoutMs: 300 }), LockTimeoutError);
    assert.equal(readFileSync(lockPath, 'utf8'), `${JSON.stringify(held.owner)}\n`);
    await held.release();
  });

  test('a lock left by a process killed with SIGKILL is taken over at once, saying whose it was', GUARD, async () => {
    const lockPath = path.join(tempFolder('lock'), 'x.lock');
    const killed = holder(lockPath);
    await killed.printed('locked');
    await kill(killed);
    assert.equal(JSON.parse(readFileSync(lockPath, 'utf8')).pid, killed.pid, 'the killed process left its lock behind');
    const { lines, log } = collect();
    // The lock is seconds old; only the owner's death lets it go, long before this timeout.
    const handle = await acquireFileLock(lockPath, { timeoutMs: 20_000, log });
    assert.equal(lines.length, 1);
    assert.match(
      lines[0],
      new RegExp(
        `^Marginalia: the lock file ${escape(lockPath)} was held by process ${killed.pid} on host ${escape(hostname())} since \\S+, which is no longer running; taking it over\\.$`,
      ),
    );
    assert.equal(JSON.parse(readFileSync(lockPath, 'utf8')).pid, process.pid);
    await handle.release();
  });

  test('a live holder is never taken over, even when its lock file is an hour old', GUARD, async () => {
    const lockPath = path.join(tempFolder('lock'), 'x.lock');
    const alive = holder(lockPath);
    try {
      await alive.printed('locked');
      const before = readFileSync(lockPath, 'utf8');
      utimesSync(lockPath, HOUR_AGO, HOUR_AGO);
      const { lines, log } = collect();
      await assert.rejects(acquireFileLock(lockPath, { timeoutMs: 700, log }), (error: unknown) => {
        assert.ok(error instanceof LockTimeoutError);
        assert.equal(error.owner?.pid, alive.pid);
        assert.equal(error.lockPath, lockPath);
        assert.ok(error.message.includes(lockPath));
        assert.match(error.message, new RegExp(`held by process ${alive.pid} on host ${escape(hostname())} since `));
        assert.match(error.message, /if that process is no longer running, delete the file\.$/);
        assert.doesNotMatch(error.message, /\n/);
        return true;
      });
      assert.deepEqual(lines, []);
      assert.equal(readFileSync(lockPath, 'utf8'), before, "the lock file is still the holder's");
      assert.equal(alive.process.exitCode, null);
    } finally {
      await kill(alive);
    }
  });

  test('a lock from another host is never taken over, though its pid is not running here', GUARD, async () => {
    const lockPath = path.join(tempFolder('lock'), 'x.lock');
    const line = ownerLine(await deadPid(), 'elsewhere.invalid');
    writeFileSync(lockPath, line);
    utimesSync(lockPath, HOUR_AGO, HOUR_AGO);
    const { lines, log } = collect();
    await assert.rejects(acquireFileLock(lockPath, { timeoutMs: 300, log }), (error: unknown) => {
      assert.ok(error instanceof LockTimeoutError);
      assert.equal(error.owner?.host, 'elsewhere.invalid');
      assert.ok(error.message.includes(lockPath));
      assert.match(
        error.message,
        /held by process \d+ on host elsewhere\.invalid since \S+, which cannot be checked from this computer; if that process is no longer running, delete the file\.$/,
      );
      return true;
    });
    assert.deepEqual(lines, []);
    assert.equal(readFileSync(lockPath, 'utf8'), line);
  });

  test(
    'a live pid that started at another time than the recorded one was reused: its lock is taken over',
    { ...GUARD, skip: process.platform !== 'linux' && 'start times are read from /proc, on Linux only' },
    async () => {
      const lockPath = path.join(tempFolder('lock'), 'x.lock');
      writeFileSync(lockPath, ownerLine(process.pid, hostname(), new Date(Date.now() - 86_400_000)));
      const { lines, log } = collect();
      const handle = await acquireFileLock(lockPath, { timeoutMs: 20_000, log });
      assert.equal(lines.length, 1);
      assert.match(
        lines[0],
        new RegExp(
          `was held by process ${process.pid} on host .*, which is no longer running \\(pid ${process.pid} now belongs to a process started .*\\); taking it over\\.$`,
        ),
      );
      await handle.release();
    },
  );

  test("reads the previous version's \"<pid>\\n\" lock files: a dead pid's is taken over, a live one's is waited for", GUARD, async () => {
    const lockPath = path.join(tempFolder('lock'), 'x.lock');
    const dead = await deadPid();
    writeFileSync(lockPath, `${dead}\n`);
    const { lines, log } = collect();
    const handle = await acquireFileLock(lockPath, { timeoutMs: 20_000, log });
    assert.equal(lines.length, 1);
    assert.match(lines[0], new RegExp(`was held by process ${dead} on host .*, which is no longer running; taking it over\\.$`));
    await handle.release();

    writeFileSync(lockPath, `${process.pid}\n`);
    utimesSync(lockPath, HOUR_AGO, HOUR_AGO);
    await assert.rejects(acquireFileLock(lockPath, { timeoutMs: 300, log }), (error: unknown) => {
      assert.ok(error instanceof LockTimeoutError);
      assert.deepEqual(error.owner, { pid: process.pid, host: hostname(), acquired: HOUR_AGO.toISOString() });
      return true;
    });
    assert.equal(readFileSync(lockPath, 'utf8'), `${process.pid}\n`);
    assert.equal(lines.length, 1);
  });

  test('an unparsable lock file is waited for while fresh, and taken over once unchanged for 10 s', GUARD, async () => {
    const lockPath = path.join(tempFolder('lock'), 'x.lock');
    const { lines, log } = collect();
    for (const text of ['', '{"pid":12', 'garbage']) {
      writeFileSync(lockPath, text);
      await assert.rejects(acquireFileLock(lockPath, { timeoutMs: 200, log }), (error: unknown) => {
        assert.ok(error instanceof LockTimeoutError);
        assert.equal(error.owner, undefined);
        assert.match(error.message, /which does not say who holds it; if no other Marginalia window or command is using this folder, delete the file\.$/);
        return true;
      });
      assert.equal(readFileSync(lockPath, 'utf8'), text);
      utimesSync(lockPath, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      const handle = await acquireFileLock(lockPath, { timeoutMs: 20_000, log });
      await handle.release();
    }
    assert.equal(lines.length, 3);
    for (const line of lines) assert.match(line, /does not say who holds it and has not changed since \S+, so it was abandoned; taking it over\.$/);
  });

  test("a breaker left behind, by a dead process or long ago, does not block taking over a dead owner's lock", GUARD, async () => {
    const lockPath = path.join(tempFolder('lock'), 'x.lock');
    for (const breaker of [ownerLine(await deadPid()), ownerLine(process.pid, 'elsewhere.invalid')]) {
      writeFileSync(lockPath, ownerLine(await deadPid()));
      writeFileSync(`${lockPath}.break`, breaker);
      if (breaker.includes('elsewhere')) utimesSync(`${lockPath}.break`, HOUR_AGO, HOUR_AGO);
      const { lines, log } = collect();
      const handle = await acquireFileLock(lockPath, { timeoutMs: 20_000, log });
      assert.equal(lines.filter((line) => line.endsWith('taking it over.')).length, 1);
      assert.ok(lines.some((line) => line.startsWith(`Marginalia: removed the abandoned lock breaker ${lockPath}.break`)));
      await handle.release();
      assert.equal(existsSync(`${lockPath}.break`), false);
    }
  });

  test('release leaves alone a lock that is no longer its own', GUARD, async () => {
    const folder = tempFolder('lock');
    const lockPath = path.join(folder, 'x.lock');
    const handle = await acquireFileLock(lockPath);
    const other = ownerLine(process.pid, 'elsewhere.invalid');
    writeFileSync(lockPath, other);
    await handle.release();
    assert.equal(readFileSync(lockPath, 'utf8'), other);
    assert.deepEqual(readdirSync(folder), ['x.lock']);
  });

  test("8 processes that all find the same dead owner's lock take turns: a counter they increment loses nothing, in 10 trials", GUARD, async () => {
    const folder = tempFolder('lock');
    const lockPath = path.join(folder, 'counter.lock');
    const counter = path.join(folder, 'counter');
    const processes = 8;
    writeFileSync(counter, '0');
    for (let trial = 1; trial <= 10; trial++) {
      writeFileSync(lockPath, ownerLine(await deadPid()));
      // Each waits for "go" on stdin, so that all of them look at the dead lock at about the same time.
      const racers = Array.from({ length: processes }, () =>
        child(`
        console.log('ready');
        await new Promise((resolve) => process.stdin.once('data', resolve));
        process.stdin.destroy();
        const handle = await lock.acquireFileLock(${JSON.stringify(lockPath)}, { timeoutMs: 60000, log: (line) => console.log('LOG ' + line) });
        const value = Number(fs.readFileSync(${JSON.stringify(counter)}, 'utf8'));
        await new Promise((resolve) => setTimeout(resolve, 2));
        fs.writeFileSync(${JSON.stringify(counter)}, String(value + 1));
        await handle.release();
        console.log('done');
      `),
      );
      await Promise.all(racers.map((racer) => racer.printed('ready')));
      for (const racer of racers) racer.process.stdin?.write('go\n');
      const codes = await Promise.all(racers.map((racer) => racer.exited));
      assert.deepEqual(
        codes,
        racers.map(() => 0),
        `trial ${trial}: every process finished`,
      );
      assert.equal(readFileSync(counter, 'utf8'), String(processes * trial), `trial ${trial}: no increment was lost`);
      const takeovers = racers.flatMap((racer) => racer.lines).filter((line) => line.startsWith('LOG ') && line.endsWith('taking it over.'));
      assert.equal(takeovers.length, 1, `trial ${trial}: exactly one process took the dead lock over: ${JSON.stringify(takeovers)}`);
      assert.deepEqual(readdirSync(folder).sort(), ['counter'], `trial ${trial}: no lock, breaker or temporary file is left`);
    }
  });
});

describe('file access errors', () => {
  test('a lock under a regular file fails with one sentence naming the path and the file in the way', GUARD, async () => {
    const folder = tempFolder('lock');
    const file = path.join(folder, 'not-a-folder');
    writeFileSync(file, 'x');
    const lockPath = path.join(file, '.marginalia', 'library.json.lock');
    await assert.rejects(acquireFileLock(lockPath, { timeoutMs: 1_000 }), (error: unknown) => {
      assert.ok(error instanceof FileAccessError);
      assert.equal(error.code, 'ENOTDIR');
      assert.equal(error.path, lockPath);
      assert.equal(error.message, `Marginalia cannot write ${lockPath} because ${file} is a file, not a folder; move or rename that file, then try again.`);
      return true;
    });
  });

  test('a lock in a folder that does not exist fails with one sentence naming the folder', GUARD, async () => {
    const folder = path.join(tempFolder('lock'), 'gone');
    await assert.rejects(acquireFileLock(path.join(folder, 'x.lock'), { timeoutMs: 1_000 }), (error: unknown) => {
      assert.ok(error instanceof FileAccessError);
      assert.equal(error.code, 'ENOENT');
      assert.match(error.message, new RegExp(`^Marginalia cannot write in ${escape(folder)} because that folder does not exist; [^.]*\\.$`));
      return true;
    });
  });

  test(
    'a lock in a read-only folder fails with one sentence saying so',
    {
      ...GUARD,
      skip: (process.getuid?.() === 0 || process.platform === 'win32') && 'root (or Windows) ignores folder permissions; the ENOTDIR test covers the same path',
    },
    async () => {
      const folder = path.join(tempFolder('lock'), '.marginalia');
      mkdirSync(folder);
      chmodSync(folder, 0o555);
      try {
        await assert.rejects(acquireFileLock(path.join(folder, 'library.json.lock'), { timeoutMs: 1_000 }), (error: unknown) => {
          assert.ok(error instanceof FileAccessError);
          assert.equal(error.code, 'EACCES');
          assert.match(error.message, new RegExp(`^Marginalia cannot write in ${escape(folder)}: permission denied; [^.]*\\.$`));
          return true;
        });
        assert.deepEqual(readdirSync(folder), []);
      } finally {
        chmodSync(folder, 0o755);
      }
    },
  );

  test('describeAccessError puts each error a user can fix in one sentence, and leaves the others', () => {
    const file = path.join(tmpdir(), 'w', '.marginalia', 'library.json');
    const folder = path.dirname(file);
    const error = (code: string) => Object.assign(new Error(`${code}: raw`), { code });
    const cases: [string, 'read' | 'write', RegExp][] = [
      ['EACCES', 'write', new RegExp(`^Marginalia cannot write in ${escape(folder)}: permission denied; make the folder writable`)],
      ['EPERM', 'read', new RegExp(`^Marginalia cannot read ${escape(file)}: permission denied; make the file readable`)],
      ['EROFS', 'write', new RegExp(`^Marginalia cannot write in ${escape(folder)} because it is on a read-only file system; `)],
      ['ENOSPC', 'write', new RegExp(`^Marginalia cannot write in ${escape(folder)} because the disk is full`)],
      ['ENOENT', 'write', new RegExp(`^Marginalia cannot write in ${escape(folder)} because that folder does not exist; `)],
    ];
    for (const [code, action, message] of cases) {
      const original = error(code);
      const described = describeAccessError(original, file, action);
      assert.ok(described instanceof FileAccessError, code);
      assert.equal(described.code, code);
      assert.equal(described.path, file);
      assert.equal(described.cause, original);
      assert.match(described.message, message);
      assert.equal(described.message.split(/[.;] [A-Z]/).length, 1, `${code}: one sentence`);
      assert.ok(described.message.endsWith('.'));
      assert.equal(describeAccessError(described, file, action), described);
    }
    assert.equal(describeAccessError(error('ENOENT'), file, 'read'), undefined, 'a missing file is not an error when reading');
    assert.equal(describeAccessError(error('EIO'), file, 'write'), undefined);
    assert.equal(describeAccessError(new Error('no code'), file, 'write'), undefined);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
