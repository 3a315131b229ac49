#!/usr/bin/env node
// rmq launcher. In a source checkout (src/ present, tsx installed by `npm ci`) it runs the TypeScript CLI through
// tsx's loader, so no build step is needed and the code run is always the code checked out; in an installed package
// (only dist/ shipped) it runs the compiled CLI.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'cli', 'main.ts');
const built = join(root, 'dist', 'src', 'cli', 'main.js');

async function load() {
  if (existsSync(source)) {
    try {
      const { register } = await import('tsx/esm/api');
      register();
      return await import(pathToFileURL(source).href);
    } catch (err) {
      if (!existsSync(built)) throw err;
    }
  }
  return import(pathToFileURL(built).href);
}

const controller = new AbortController();
let interrupted = 0;
const onSignal = () => {
  interrupted++;
  // First Ctrl-C: let the command stop cleanly. Second: give up at once.
  if (interrupted > 1) process.exit(130);
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const { main } = await load();
const { processIO } = await import(pathToFileURL(existsSync(source) ? join(root, 'src', 'cli', 'io.ts') : join(root, 'dist', 'src', 'cli', 'io.js')).href);
const code = await main(process.argv.slice(2), processIO(controller.signal));
process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);
process.exitCode = code;
