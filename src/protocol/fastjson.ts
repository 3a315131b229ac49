/**
 * A JSON writer that produces the bytes Java's fastjson writes for our bodies, so the mock's answers look like a real
 * nameserver's or broker's and golden fixtures can be reproduced byte for byte:
 * - object keys sorted (fastjson sorts bean fields; for `HashMap`s with small integer keys the iteration order is
 *   ascending too, and for string-keyed maps we choose sorted order, as fastjson's `MapSortField` does);
 * - `null`/`undefined` members omitted;
 * - legacy form: integer keys of the maps listed in `bareKeyMaps` written unquoted (`{0:"addr"}`), as fastjson does
 *   for `Map<Long, …>`;
 * - standard form (`BrowserCompatible`): non-ASCII characters escaped as `\uXXXX`.
 * @module
 */

/** Options of {@link writeFastJson}. */
export interface FastJsonOptions {
  /**
   * Objects (by identity) whose integer-looking keys are written without quotes: the Long-keyed maps of the legacy
   * form. Empty for standard JSON.
   * @default none
   */
  bareKeyMaps?: ReadonlySet<object>;
  /**
   * Escape every non-ASCII character as `\uXXXX` (fastjson `BrowserCompatible`, used by the standard route form).
   * @default false
   */
  asciiOnly?: boolean;
}

const INTEGER_KEY = /^-?\d+$/;

/** Java-like key order: integer keys numerically first, then the rest by UTF-16 code units. */
function compareKeys(a: string, b: string): number {
  const ai = INTEGER_KEY.test(a);
  const bi = INTEGER_KEY.test(b);
  if (ai && bi) return Number(a) - Number(b);
  if (ai !== bi) return ai ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function writeString(s: string, asciiOnly: boolean): string {
  const json = JSON.stringify(s);
  if (!asciiOnly) return json;
  // Escape code units, not code points: surrogate pairs become two escapes, as Java writes them.
  return json.replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Serialises a plain JSON value the way fastjson would (see the module doc).
 * @param value - strings, finite numbers, booleans, arrays, plain objects; `null`/`undefined` members are skipped
 * @param options - legacy bare keys, ASCII-only output
 */
export function writeFastJson(value: unknown, options: FastJsonOptions = {}): string {
  const bare = options.bareKeyMaps;
  const ascii = options.asciiOnly ?? false;
  const write = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    switch (typeof v) {
      case 'string':
        return writeString(v, ascii);
      case 'number':
        return Number.isFinite(v) ? String(v) : 'null';
      case 'boolean':
        return v ? 'true' : 'false';
      case 'bigint':
        return v.toString();
      default:
        break;
    }
    if (Array.isArray(v)) return `[${v.map(write).join(',')}]`;
    const obj = v as Record<string, unknown>;
    const bareHere = bare?.has(obj) ?? false;
    const parts: string[] = [];
    for (const key of Object.keys(obj).sort(compareKeys)) {
      const member = obj[key];
      if (member === undefined || member === null) continue;
      const k = bareHere && INTEGER_KEY.test(key) ? key : writeString(key, ascii);
      parts.push(`${k}:${write(member)}`);
    }
    return `{${parts.join(',')}}`;
  };
  return write(value);
}
