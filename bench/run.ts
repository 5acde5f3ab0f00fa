// `npm run bench` runs every benchmark in bench/ (files named *.bench.ts); `npm run bench -- NAME` runs one.
// Each runs with --expose-gc, so a benchmark can collect garbage between measurements.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const benchDir = join(import.meta.dirname, '.');
const all = readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.slice(0, -'.bench.ts'.length))
  .sort();
const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; available: ${all.join(', ') || '(none)'}`);
  process.exit(2);
}
const chosen = requested.length > 0 ? requested : all;
if (chosen.length === 0) console.log('bench: no benchmarks yet');
let failed = false;
for (const name of chosen) {
  console.log(`\n== ${name} ==`);
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(benchDir, `${name}.bench.ts`)],
    {
      stdio: 'inherit',
    },
  );
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
