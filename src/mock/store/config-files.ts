/**
 * Reading and writing the broker's `config/*.json` files the way ConfigManager does (MixAll.string2File): write
 * `<file>.tmp`, keep the previous content as `<file>.bak`, rename the tmp file over the real one; on load, fall back
 * to `.bak` when the file is missing or unparsable. Java writes these with fastjson, which emits integer map keys
 * bare (`{0:12}`); we write standard JSON and read both.
 * @module
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ProtocolError } from '../../errors.js';

/**
 * Parses JSON in which object keys may be bare integers (fastjson output). A string-aware scan quotes a run of
 * digits that directly follows `{` or `,` and precedes `:`; nothing is evaluated.
 * @throws ProtocolError when the text is not JSON even after that.
 */
export function parseLenientConfigJson(text: string): unknown {
  let out = '';
  let i = 0;
  let inString = false;
  let lastSignificant = '';
  while (i < text.length) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\' && i + 1 < text.length) {
        out += text[i + 1];
        i += 2;
        continue;
      }
      if (c === '"') inString = false;
      i++;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      lastSignificant = c;
      i++;
      continue;
    }
    if ((lastSignificant === '{' || lastSignificant === ',') && /[-\d]/.test(c)) {
      const m = /^-?\d+(?=\s*:)/.exec(text.slice(i, i + 32));
      if (m !== null) {
        out += `"${m[0]}"`;
        i += m[0].length;
        lastSignificant = '"';
        continue;
      }
    }
    if (!/\s/.test(c)) lastSignificant = c;
    out += c;
    i++;
  }
  try {
    return JSON.parse(out) as unknown;
  } catch (err) {
    throw new ProtocolError(`not a JSON config: ${(err as Error).message}`, { cause: err });
  }
}

/** Writes `text` to `path` atomically, keeping the previous version as `path.bak`. */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text);
  if (existsSync(path)) copyFileSync(path, `${path}.bak`);
  renameSync(tmp, path);
}

/**
 * Loads and decodes a config file, falling back to `path.bak`; undefined when neither exists or decodes.
 * `decode` must throw on a shape it does not accept.
 */
export function loadConfigFile<T>(path: string, decode: (json: unknown) => T): T | undefined {
  for (const p of [path, `${path}.bak`]) {
    if (!existsSync(p)) continue;
    try {
      const text = readFileSync(p, 'utf8');
      if (text.trim() === '') continue;
      return decode(parseLenientConfigJson(text));
    } catch {
      // Try the backup, as ConfigManager#loadBak does.
    }
  }
  return undefined;
}

/** Narrows to a plain object or throws ProtocolError. */
export function asObject(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProtocolError(`${what} is not an object`);
  return v as Record<string, unknown>;
}
