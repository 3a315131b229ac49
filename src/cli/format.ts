/**
 * Output formatting: aligned text tables, times, and the JSON shape of a message (body as text).
 * @module
 */

import type { MessageExt } from '../message/types.js';

/**
 * Renders rows as an aligned table with a header line, mqadmin style (two spaces between columns).
 * @param headers - column titles
 * @param rows - cells (converted with String)
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((r) => headers.map((_, i) => cell(r[i])));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: readonly string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), ...cells.map(line)].join('\n') + '\n';
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '-';
  // Control characters would break the table's alignment (and could drive the terminal); show them escaped.
  return String(v).replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * A timestamp as `YYYY-MM-DD HH:mm:ss.SSS` in local time (mqadmin's format), or `-` for none.
 * @param ms - milliseconds since the epoch
 */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return '-';
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/**
 * Shortens text for a table cell.
 * @param text - the text
 * @param max - most characters kept
 */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** The JSON shape of a message printed by the CLI. */
export interface MessageJson {
  /** Topic. */
  topic: string;
  /** Client message id (UNIQ_KEY). */
  msgId: string;
  /** Store host + commit-log offset id. */
  offsetMsgId: string;
  /** Keys. */
  keys: string[];
  /** Tag. */
  tags?: string;
  /** Body as UTF-8 text. */
  body: string;
  /** Queue id. */
  queueId: number;
  /** Queue offset. */
  queueOffset: number;
  /** Commit-log offset. */
  commitLogOffset: number;
  /** Born time, ms. */
  bornTimestamp: number;
  /** Producer address. */
  bornHost: string;
  /** Store time, ms. */
  storeTimestamp: number;
  /** Broker address. */
  storeHost: string;
  /** Reconsume count. */
  reconsumeTimes: number;
  /** Every property. */
  properties: Record<string, string>;
}

/**
 * A message as plain JSON-safe data (MessageExt fields are lazy accessors, so spreading one would lose them).
 * @param m - the message
 */
export function messageJson(m: MessageExt): MessageJson {
  const out: MessageJson = {
    topic: m.topic,
    msgId: m.msgId,
    offsetMsgId: m.offsetMsgId,
    keys: m.keys,
    body: m.body.toString('utf8'),
    queueId: m.queueId,
    queueOffset: m.queueOffset,
    commitLogOffset: m.commitLogOffset,
    bornTimestamp: m.bornTimestamp,
    bornHost: m.bornHost,
    storeTimestamp: m.storeTimestamp,
    storeHost: m.storeHost,
    reconsumeTimes: m.reconsumeTimes,
    properties: { ...m.properties },
  };
  if (m.tags !== undefined) out.tags = m.tags;
  return out;
}

/**
 * Serialises for `--json`: two-space indentation and a final newline.
 * @param value - anything JSON can hold
 */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
