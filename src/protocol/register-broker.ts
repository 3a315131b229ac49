/**
 * REGISTER_BROKER (103): broker → nameserver, every 30 s and on every role change (DLedger elections re-register
 * with the new brokerId). Java: `header/namesrv/RegisterBrokerRequestHeader`, `RegisterBrokerResponseHeader`,
 * `body/RegisterBrokerBody`, `TopicConfigSerializeWrapper`, `BrokerOuterAPI#registerBrokerAll`,
 * namesrv `DefaultRequestProcessor#registerBroker`.
 *
 * Request header:
 * | field | type | required |
 * |---|---|---|
 * | brokerName | string | yes |
 * | brokerAddr | string | yes |
 * | clusterName | string | yes |
 * | haServerAddr | string | yes |
 * | brokerId | long | yes (0 = master) |
 * | heartbeatTimeoutMillis | long | no |
 * | enableActingMaster | boolean | no |
 * | compressed | boolean | yes (we only write and read `false`) |
 * | bodyCrc32 | int | no (default 0 = unchecked) |
 *
 * `bodyCrc32` is Java's `UtilAll.crc32(body)`: `java.util.zip.CRC32` of the body masked to 31 bits
 * (`& 0x7FFFFFFF`), so it is a non-negative int. The nameserver answers SYSTEM_ERROR "crc32 not match" when a
 * non-zero value disagrees.
 *
 * Body (uncompressed): `{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{…},"topicConfigTable":{…}}}`.
 * Response header: haServerAddr?, masterAddr?.
 * @module
 */

import { crc32 } from 'node:zlib';
import type { ErrorContext } from '../errors.js';
import { ProtocolError } from '../errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../remoting/command.js';
import {
  isJsonObject,
  optInt,
  optObject,
  optString,
  reqInt,
  reqObject,
  reqString,
  setOwn,
  stringArray,
  type JsonObject,
} from './body-fields.js';
import { writeFastJson } from './fastjson.js';
import { expectCodes, expectRequestCode, fromExtFields, parseJsonObject, toExtFields, type HeaderSchema } from './header-fields.js';
import { RequestCode } from './request-codes.js';
import { ResponseCode } from './response-codes.js';

/** Header of REGISTER_BROKER. */
export interface RegisterBrokerRequestHeader {
  /** Broker group name. */
  brokerName: string;
  /** `host:port` clients connect to. */
  brokerAddr: string;
  /** Cluster name. */
  clusterName: string;
  /** `host:port` of the HA service. */
  haServerAddr: string;
  /** Broker id: 0 master, ≥ 1 slave. */
  brokerId: number;
  /** How long the nameserver keeps the registration without renewal, ms (5.x). */
  heartbeatTimeoutMillis?: number;
  /** Whether slaves may act as master (5.x). */
  enableActingMaster?: boolean;
  /** Whether the body uses Java's compressed layout (unsupported here; always false). */
  compressed: boolean;
  /** 31-bit CRC32 of the body, 0 = unchecked. See {@link registerBodyCrc32}. */
  bodyCrc32?: number;
}

const SCHEMA: HeaderSchema<RegisterBrokerRequestHeader> = {
  brokerName: { kind: 'string' },
  brokerAddr: { kind: 'string' },
  clusterName: { kind: 'string' },
  haServerAddr: { kind: 'string' },
  brokerId: { kind: 'long' },
  heartbeatTimeoutMillis: { kind: 'long', optional: true },
  enableActingMaster: { kind: 'bool', optional: true },
  compressed: { kind: 'bool' },
  bodyCrc32: { kind: 'int', optional: true },
};

/** A topic's configuration as brokers publish it (Java `TopicConfig`). */
export interface TopicConfig {
  /** Topic name. */
  topicName: string;
  /** Readable queues. */
  readQueueNums: number;
  /** Writable queues. */
  writeQueueNums: number;
  /** `PermName` bits. */
  perm: number;
  /** `SINGLE_TAG` or `MULTI_TAG`. */
  topicFilterType: string;
  /** `TopicSysFlag` bits. */
  topicSysFlag: number;
  /** Ordered topic. */
  order: boolean;
  /** 5.x attributes (e.g. `+message.type`). */
  attributes?: Record<string, string>;
}

/** Version stamp of a broker's topic table (Java `DataVersion`). */
export interface DataVersion {
  /** Incremented on every change. */
  counter: number;
  /** ms timestamp of the last change. */
  timestamp: number;
  /** 5.x state version (elections). */
  stateVersion?: number;
}

/** Body of REGISTER_BROKER. */
export interface RegisterBrokerBody {
  /** Filter servers (legacy, normally empty). */
  filterServerList: string[];
  /** The broker's topics. */
  topicConfigSerializeWrapper: {
    /** Version of `topicConfigTable`. */
    dataVersion: DataVersion;
    /** Topic configs by topic name. */
    topicConfigTable: Record<string, TopicConfig>;
  };
}

/**
 * CRC of a REGISTER_BROKER body exactly as Java's `UtilAll.crc32` computes it (CRC32 & 0x7FFFFFFF).
 * @param body - the encoded body
 */
export function registerBodyCrc32(body: Buffer): number {
  return crc32(body) & 0x7fffffff;
}

/**
 * Encodes the body as fastjson would (sorted fields).
 * @param body - the register body
 */
export function encodeRegisterBrokerBody(body: RegisterBrokerBody): Buffer {
  return Buffer.from(writeFastJson(body), 'utf8');
}

function parseTopicConfig(o: JsonObject, what: string): TopicConfig {
  const tc: TopicConfig = {
    topicName: reqString(o, 'topicName', what),
    readQueueNums: reqInt(o, 'readQueueNums', what),
    writeQueueNums: reqInt(o, 'writeQueueNums', what),
    perm: reqInt(o, 'perm', what),
    topicFilterType: optString(o, 'topicFilterType', what) ?? 'SINGLE_TAG',
    topicSysFlag: optInt(o, 'topicSysFlag', what) ?? 0,
    order: o.order === true,
  };
  const attrs = optObject(o, 'attributes', what);
  if (attrs) {
    tc.attributes = {};
    for (const k of Object.keys(attrs)) setOwn(tc.attributes, k, String(attrs[k]));
  }
  return tc;
}

/**
 * Parses an uncompressed REGISTER_BROKER body.
 * @param body - the request body
 * @throws ProtocolError for malformed JSON or missing fields
 */
export function parseRegisterBrokerBody(body: Buffer): RegisterBrokerBody {
  const what = 'RegisterBrokerBody';
  const root = parseJsonObject(body, what);
  const wrapper = reqObject(root, 'topicConfigSerializeWrapper', what);
  const dv = reqObject(wrapper, 'dataVersion', `${what}.dataVersion`);
  const dataVersion: DataVersion = {
    counter: reqInt(dv, 'counter', `${what}.dataVersion`),
    timestamp: reqInt(dv, 'timestamp', `${what}.dataVersion`),
  };
  const stateVersion = optInt(dv, 'stateVersion', `${what}.dataVersion`);
  if (stateVersion !== undefined) dataVersion.stateVersion = stateVersion;
  const table = optObject(wrapper, 'topicConfigTable', what) ?? {};
  const topicConfigTable: Record<string, TopicConfig> = {};
  for (const name of Object.keys(table)) {
    const entry = table[name];
    if (!isJsonObject(entry)) throw new ProtocolError(`${what}: topicConfigTable.${name} must be an object`);
    setOwn(topicConfigTable, name, parseTopicConfig(entry, `${what}.topicConfigTable.${name}`));
  }
  return { filterServerList: stringArray(root, 'filterServerList', what), topicConfigSerializeWrapper: { dataVersion, topicConfigTable } };
}

/**
 * Builds REGISTER_BROKER; fills in `compressed=false` and the body CRC.
 * @param header - registration header (compressed/bodyCrc32 are overwritten)
 * @param body - registration body
 * @param options - send oneway (role-change registrations are oneway in Java)
 */
export function encodeRegisterBrokerRequest(
  header: Omit<RegisterBrokerRequestHeader, 'compressed' | 'bodyCrc32'>,
  body: RegisterBrokerBody,
  options: { /** Oneway request. @default false */ oneway?: boolean } = {},
): RemotingCommand {
  const bytes = encodeRegisterBrokerBody(body);
  const full: RegisterBrokerRequestHeader = { ...header, compressed: false, bodyCrc32: registerBodyCrc32(bytes) };
  return createRequest(RequestCode.REGISTER_BROKER, toExtFields(full, SCHEMA, 'RegisterBrokerRequestHeader'), bytes, {
    oneway: options.oneway ?? false,
  });
}

/** A decoded REGISTER_BROKER (mock side). */
export interface DecodedRegisterBrokerRequest {
  /** Header. */
  header: RegisterBrokerRequestHeader;
  /** Parsed body. */
  body: RegisterBrokerBody;
  /** False when a non-zero bodyCrc32 disagrees with the body (Java answers SYSTEM_ERROR "crc32 not match"). */
  crcMatches: boolean;
}

/**
 * Decodes REGISTER_BROKER.
 * @param cmd - the request
 * @throws ProtocolError on missing fields, a compressed body, or a malformed body
 */
export function decodeRegisterBrokerRequest(cmd: RemotingCommand): DecodedRegisterBrokerRequest {
  expectRequestCode(cmd, [RequestCode.REGISTER_BROKER]);
  const header = fromExtFields(cmd, SCHEMA, 'RegisterBrokerRequestHeader');
  if (header.compressed) throw new ProtocolError('REGISTER_BROKER: compressed bodies are not supported');
  const bytes = cmd.body ?? Buffer.alloc(0);
  const crcMatches = !header.bodyCrc32 || header.bodyCrc32 === registerBodyCrc32(bytes);
  return { header, body: parseRegisterBrokerBody(bytes), crcMatches };
}

/** Response header of REGISTER_BROKER. */
export interface RegisterBrokerResponseHeader {
  /** Master's HA address (for slaves). */
  haServerAddr?: string;
  /** Master's address (for slaves). */
  masterAddr?: string;
}

const RESPONSE_SCHEMA: HeaderSchema<RegisterBrokerResponseHeader> = {
  haServerAddr: { kind: 'string', optional: true },
  masterAddr: { kind: 'string', optional: true },
};

/**
 * Builds the nameserver's answer.
 * @param request - the registration
 * @param header - master addresses for slaves
 */
export function encodeRegisterBrokerResponse(
  request: RemotingCommand,
  header: RegisterBrokerResponseHeader = {},
): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS, undefined, toExtFields(header, RESPONSE_SCHEMA, 'RegisterBrokerResponseHeader'));
}

/**
 * Decodes the nameserver's answer.
 * @param cmd - the response
 * @param context - where the request went
 */
export function decodeRegisterBrokerResponse(cmd: RemotingCommand, context?: ErrorContext): RegisterBrokerResponseHeader {
  expectCodes(cmd, [ResponseCode.SUCCESS], RequestCode.REGISTER_BROKER, context);
  return fromExtFields(cmd, RESPONSE_SCHEMA, 'RegisterBrokerResponseHeader');
}
