/**
 * A reader for Java `.properties` text, the format of RocketMQ's `broker.conf` (`java.util.Properties.load`):
 * `#`/`!` comment lines, `key=value`, `key: value` and `key value` separators, a backslash at the end of a line
 * continues the entry on the next line (whose leading blanks are dropped), and the escapes `\t \n \r \f \uXXXX`
 * (any other escaped character stands for itself, so `\=`, `\:`, `\ ` and `\\` can appear in keys).
 *
 * Java reads the bytes as ISO-8859-1; we take a decoded string, so callers choose (files are read as UTF-8, which
 * leaves ASCII configs identical and keeps non-ASCII comments readable).
 * @module
 */
import { ValidationError } from '../../errors.js';

/** One `key=value` entry and where it starts. */
export interface PropertyEntry {
  /** The unescaped key. */
  key: string;
  /** The unescaped value, exactly as Java's `Properties.getProperty` returns it (trailing blanks kept). */
  value: string;
  /** 1-based line number where the entry starts. */
  line: number;
}

const BLANK = new Set([' ', '\t', '\f']);

/** Splits text into logical lines (continuations joined), remembering each one's first physical line. */
function logicalLines(text: string): { text: string; line: number }[] {
  const physical = text.split(/\r\n|\r|\n/);
  const out: { text: string; line: number }[] = [];
  let current: { text: string; line: number } | undefined;
  for (let i = 0; i < physical.length; i++) {
    let raw = physical[i];
    if (current) {
      raw = raw.replace(/^[ \t\f]+/, '');
    } else {
      const trimmed = raw.replace(/^[ \t\f]+/, '');
      // Only a line that starts an entry can be blank or a comment; a continued line is always content.
      if (trimmed === '' || trimmed[0] === '#' || trimmed[0] === '!') continue;
      raw = trimmed;
    }
    // An odd number of trailing backslashes means the last one escapes the line break.
    let slashes = 0;
    for (let j = raw.length - 1; j >= 0 && raw[j] === '\\'; j--) slashes++;
    const continues = slashes % 2 === 1;
    const piece = continues ? raw.slice(0, -1) : raw;
    if (current) current.text += piece;
    else current = { text: piece, line: i + 1 };
    if (!continues) {
      out.push(current);
      current = undefined;
    }
  }
  if (current) out.push(current);
  return out;
}

/** Resolves escapes in a key or value. */
function unescape(s: string, where: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = s[++i];
    if (n === undefined) break; // a lone trailing backslash (end of input) is dropped, as in Java
    if (n === 't') out += '\t';
    else if (n === 'n') out += '\n';
    else if (n === 'r') out += '\r';
    else if (n === 'f') out += '\f';
    else if (n === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new ValidationError(`${where}: malformed \\uXXXX escape "\\u${hex}"`);
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else out += n;
  }
  return out;
}

/**
 * Parses Java properties text. Later entries with the same key are all returned (the caller decides; Java keeps
 * the last one, which is what `broker.conf` files that repeat `storePathRootDir` rely on).
 * @param text - the file's content
 * @param file - name used in error messages
 * @throws ValidationError on a malformed `\uXXXX` escape, naming the file and line
 */
export function parseJavaProperties(text: string, file = '<input>'): PropertyEntry[] {
  const entries: PropertyEntry[] = [];
  for (const { text: l, line } of logicalLines(text)) {
    // The key ends at the first unescaped '=', ':' or blank.
    let i = 0;
    let escaped = false;
    for (; i < l.length; i++) {
      const c = l[i];
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '=' || c === ':' || BLANK.has(c)) break;
    }
    const rawKey = l.slice(0, i);
    // Separator: blanks, then at most one '=' or ':', then blanks.
    while (i < l.length && BLANK.has(l[i])) i++;
    if (i < l.length && (l[i] === '=' || l[i] === ':')) i++;
    while (i < l.length && BLANK.has(l[i])) i++;
    const where = `${file}:${line}`;
    entries.push({ key: unescape(rawKey, where), value: unescape(l.slice(i), where), line });
  }
  return entries;
}
