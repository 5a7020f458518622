// `npm test`: builds, runs the unit tests with Node's test runner, and ends with one line
// "N passed, N failed". The phases that drive a real VS Code are added to PHASES as they land.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(result.stdout ?? '');
  return result;
}

const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const unitFiles = readdirSync('test/unit').filter((name) => name.endsWith('.test.ts')).map((name) => `test/unit/${name}`);
const unit = run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...unitFiles]);
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(unit.stdout ?? '')?.[1] ?? 0);
const passed = count('pass');
const failed = count('fail') + (unit.status !== 0 && count('fail') === 0 ? 1 : 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
