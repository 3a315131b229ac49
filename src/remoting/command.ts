/**
 * The in-memory shape of one remoting frame (`RemotingCommand` in the Java code base).
 * Encoding and decoding live in `frame.ts`; this file only holds the type and small constructors.
 * @module
 */

/** Header serialization: 0 = JSON (Java's default), 1 = ROCKETMQ binary. */
export const SerializeType = {
  /** JSON header (Java's default). */
  JSON: 0,
  /** RocketMQ's compact binary header. */
  ROCKETMQ: 1,
} as const;
/** Header serialization type value. */
export type SerializeType = (typeof SerializeType)[keyof typeof SerializeType];

/** Bit 0 of `flag`: this command is a response. */
export const FLAG_RESPONSE = 1;
/** Bit 1 of `flag`: this request expects no response. */
export const FLAG_ONEWAY = 2;

/** Default `language` we send. Brokers older than 5.3.2 do not know `NODE_JS`, so we say `JAVA` as ali-ons does. */
export const DEFAULT_LANGUAGE = 'JAVA';
/** Default `version` we send: MQVersion V4_9_4 ordinal, the first that gets standard-JSON routes. */
export const DEFAULT_VERSION = 401;

/** One remoting command: a request or a response. */
export interface RemotingCommand {
  /** Request code (for requests) or response code (for responses). */
  code: number;
  /** Sender language name, e.g. `JAVA`. */
  language: string;
  /** Sender version (MQVersion ordinal). */
  version: number;
  /** Request id; a response copies its request's opaque. */
  opaque: number;
  /** Bit field: {@link FLAG_RESPONSE}, {@link FLAG_ONEWAY}. */
  flag: number;
  /** Free-text remark (error description on failed responses). */
  remark?: string;
  /** Custom header fields. Sent as strings; received values are normalised to strings. */
  extFields?: Record<string, string>;
  /** Frame body, if any. */
  body?: Buffer;
  /** Header serialization this command was received with, or should be sent with (default JSON). */
  serializeType?: SerializeType;
}

/** True when the command is a response. */
export function isResponse(cmd: RemotingCommand): boolean {
  return (cmd.flag & FLAG_RESPONSE) !== 0;
}

/** True when the command is a oneway request. */
export function isOneway(cmd: RemotingCommand): boolean {
  return (cmd.flag & FLAG_ONEWAY) !== 0;
}

/** Options for {@link createRequest}. */
export interface CreateRequestOptions {
  /** Language to announce. @default 'JAVA' */
  language?: string;
  /** Version to announce. @default 401 */
  version?: number;
  /** Mark as oneway. @default false */
  oneway?: boolean;
}

/**
 * Builds a request. The opaque is 0 here: the connection assigns a fresh one when it sends.
 * Header values are converted to strings; `undefined` and `null` values are dropped.
 */
export function createRequest(
  code: number,
  extFields?: Record<string, string | number | boolean | bigint | undefined | null>,
  body?: Buffer,
  options: CreateRequestOptions = {},
): RemotingCommand {
  const cmd: RemotingCommand = {
    code,
    language: options.language ?? DEFAULT_LANGUAGE,
    version: options.version ?? DEFAULT_VERSION,
    opaque: 0,
    flag: options.oneway ? FLAG_ONEWAY : 0,
  };
  if (extFields) cmd.extFields = stringifyFields(extFields);
  if (body !== undefined) cmd.body = body;
  return cmd;
}

/** Builds the response to `request` (same opaque, RESPONSE flag set). */
export function createResponse(
  request: RemotingCommand,
  code: number,
  remark?: string,
  extFields?: Record<string, string | number | boolean | bigint | undefined | null>,
  body?: Buffer,
): RemotingCommand {
  const cmd: RemotingCommand = {
    code,
    language: DEFAULT_LANGUAGE,
    version: DEFAULT_VERSION,
    opaque: request.opaque,
    flag: FLAG_RESPONSE,
  };
  if (remark !== undefined) cmd.remark = remark;
  if (extFields) cmd.extFields = stringifyFields(extFields);
  if (body !== undefined) cmd.body = body;
  return cmd;
}

/** Converts header values to the strings that go on the wire, dropping `undefined`/`null`. */
export function stringifyFields(
  fields: Record<string, string | number | boolean | bigint | undefined | null>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(fields)) {
    const v = fields[key];
    if (v === undefined || v === null) continue;
    out[key] = typeof v === 'string' ? v : String(v);
  }
  return out;
}
