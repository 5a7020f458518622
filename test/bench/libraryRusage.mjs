// Preloaded (`node --import`) into a CLI run of the library benchmark when /usr/bin/time is missing:
// on exit, writes the process's wall, user and system time and peak RSS to $MARGINALIA_BENCH_RUSAGE
// in /usr/bin/time's `-f '%e %U %S %M'` format (seconds, seconds, seconds, kilobytes).
import { writeFileSync } from 'node:fs';

const target = process.env.MARGINALIA_BENCH_RUSAGE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const wall = performance.now() / 1000; // since the process started
    writeFileSync(target, `${wall.toFixed(3)} ${(usage.userCPUTime / 1e6).toFixed(3)} ${(usage.systemCPUTime / 1e6).toFixed(3)} ${usage.maxRSS}\n`);
  });
}
