/**
 * Benchmark runner: `npm run bench -- <name> [...]` runs `test/bench/<name>.ts`'s default export.
 * Benchmarks print figures; they never assert timings.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
if (names.length === 0) {
  console.log(`usage: npm run bench -- <${available.join('|')}>`);
  process.exit(2);
}
for (const name of names) {
  if (!available.includes(name)) {
    console.error(`unknown benchmark "${name}"; available: ${available.join(', ')}`);
    process.exit(2);
  }
  const mod = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as { default: () => Promise<void> };
  console.log(`\n## ${name}`);
  await mod.default();
}
