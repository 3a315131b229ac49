/**
 * Golden frames captured from REAL Apache RocketMQ servers (see each `fixtures/real-*.md`; written by the interop
 * suite with RMQ_WRITE_FIXTURES=1 through test/interop/capture-proxy.ts). Each is decoded with our decoders and its
 * fields checked; the route bodies must be reproduced byte for byte by our encoder in both JSON forms. Values that
 * differ from one capture run to the next (offsets, timestamps) are checked for consistency across the fixtures of
 * one run instead of being pinned.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BrokerResponseError } from '../../../src/errors.js';
import { decodeOffsetMsgId } from '../../../src/message/ids.js';
import { decodeStoredMessages } from '../../../src/message/stored.js';
import { decodePullMessageResponse } from '../../../src/protocol/pull-message.js';
import { decodeQueryMessageResponse } from '../../../src/protocol/query-message.js';
import { errorFromResponse, ResponseCode } from '../../../src/protocol/response-codes.js';
import { decodeRouteInfoResponse } from '../../../src/protocol/route-info.js';
import { encodeTopicRouteData } from '../../../src/protocol/route.js';
import { decodeSendMessageResponse } from '../../../src/protocol/send-message.js';
import type { RemotingCommand } from '../../../src/remoting/command.js';
import { decodeFrame } from '../../../src/remoting/frame.js';
import { readHexFixture } from './helpers.js';

const TOPIC = 'topic_dw_test_by_order_01';
const here = dirname(fileURLToPath(import.meta.url));

/** Reads a real fixture frame and decodes it; checks the length prefix and the response envelope. */
function frame(name: string): RemotingCommand {
  const bytes = readHexFixture(`real-${name}`);
  expect(bytes.readInt32BE(0)).toBe(bytes.length - 4);
  const cmd = decodeFrame(bytes.subarray(4));
  expect(cmd.flag & 1, 'RESPONSE flag').toBe(1);
  expect(cmd.language).toBe('JAVA');
  return cmd;
}

/** Per server version: MQVersion ordinal it stamps on responses, and the harness port plan it was captured with. */
const RUNS = [
  { version: '5.3.3', ordinal: 479, base: 29_000, dledger: true },
  { version: '4.9.7', ordinal: 0, base: 28_000, dledger: false },
] as const;

for (const run of RUNS) {
  const v = run.version;
  const master = `127.0.0.1:${run.base + 911}`;
  const slave = `127.0.0.1:${run.base + 921}`;

  describe(`real RocketMQ ${v} frames`, () => {
    it('route, legacy form (request version < 401): bare integer keys, parsed and re-encoded byte for byte', () => {
      const cmd = frame(`route-legacy-${v}`);
      expect(cmd.code).toBe(0);
      if (run.ordinal) expect(cmd.version).toBe(run.ordinal);
      const text = cmd.body!.toString('utf8');
      expect(text).toMatch(/"brokerAddrs":\{0:"/);
      const route = decodeRouteInfoResponse(cmd);
      const ms = route.brokerDatas.find((b) => b.brokerName === 'broker-ms');
      expect(ms).toMatchObject({ cluster: 'InteropCluster', brokerAddrs: { 0: master, 1: slave } });
      expect(route.queueDatas.find((q) => q.brokerName === 'broker-ms')).toEqual({
        brokerName: 'broker-ms', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0,
      });
      if (run.dledger) {
        const dl = route.brokerDatas.find((b) => b.brokerName === 'broker-dl')!;
        // The leader is id 0; a follower nK registers as K+1, so the other two ids are two of 1..3.
        const ids = Object.keys(dl.brokerAddrs).map(Number).sort();
        expect(ids).toHaveLength(3);
        expect(ids[0]).toBe(0);
        expect(ids.slice(1).every((id) => id >= 1 && id <= 3)).toBe(true);
        expect(Object.values(dl.brokerAddrs).sort()).toEqual([931, 941, 951].map((p) => `127.0.0.1:${run.base + p}`));
      }
      expect(encodeTopicRouteData(route, { legacy: true }).toString('utf8')).toBe(text);
    });

    it('route, standard form (request version 401): same route, quoted keys, re-encoded byte for byte', () => {
      const cmd = frame(`route-standard-${v}`);
      const text = cmd.body!.toString('utf8');
      expect(text).toMatch(/"brokerAddrs":\{"0":"/);
      const route = decodeRouteInfoResponse(cmd);
      expect(route).toEqual(decodeRouteInfoResponse(frame(`route-legacy-${v}`)));
      expect(encodeTopicRouteData(route).toString('utf8')).toBe(text);
    });

    it('a SLAVE answers a send with an error our table classifies', () => {
      const cmd = frame(`send-to-slave-${v}`);
      // Settled by these captures: 5.3.3 rejects before the store (SYSTEM_BUSY 2, "[REJECTREQUEST]…"); 4.9.7 answers
      // from the store (SERVICE_NOT_AVAILABLE 14, "service not available now…").
      const expected = v.startsWith('5.') ? ResponseCode.SYSTEM_BUSY : ResponseCode.SERVICE_NOT_AVAILABLE;
      expect(cmd.code).toBe(expected);
      expect(cmd.body).toBeUndefined();
      const err = errorFromResponse(cmd, { brokerAddr: slave });
      expect(err).toBeInstanceOf(BrokerResponseError);
      expect(err.responseCode).toBe(expected);
      expect(err.retriable).toBe(true);
      expect(cmd.remark).toMatch(v.startsWith('5.') ? /^\[REJECTREQUEST\]system busy/ : /^service not available now/);
    });
  });

  describe(`real RocketMQ ${v} send / pull / query frames`, () => {
    it('send response: SEND_OK header fields; offsetMsgId names the master and a commit-log offset', () => {
      const cmd = frame(`send-response-${v}`);
      const r = decodeSendMessageResponse(cmd);
      expect(r.status).toBe('SEND_OK');
      expect(r.queueId).toBe(1);
      expect(r.queueOffset).toBeGreaterThanOrEqual(0);
      expect(r.msgRegion).toBe('DefaultRegion');
      expect(typeof r.traceOn).toBe('boolean');
      const id = decodeOffsetMsgId(r.offsetMsgId);
      expect(id.address).toBe(master);
      expect(id.offset).toBeGreaterThan(0);
    });

    it('pull response: FOUND, stored records of queue 1 from offset 0, in order', () => {
      const cmd = frame(`pull-response-${v}`);
      const r = decodePullMessageResponse(cmd);
      expect(r.status).toBe('FOUND');
      const msgs = decodeStoredMessages(r.body);
      expect(msgs.length).toBeGreaterThan(0);
      expect(msgs.map((m) => m.queueOffset)).toEqual(msgs.map((_, i) => i));
      expect(r.nextBeginOffset).toBe(msgs.length);
      expect(r.minOffset).toBe(0);
      expect(r.maxOffset).toBeGreaterThanOrEqual(msgs.length);
      for (const m of msgs) {
        expect(m).toMatchObject({ topic: TOPIC, queueId: 1 });
        expect(decodeOffsetMsgId(m.offsetMsgId).address).toBe(master);
        expect(m.msgId).toMatch(/^[0-9A-F]{32}([0-9A-F]{24})?$/);
      }
    });

    it('query response: the message of the captured send, found by its key', () => {
      const sent = decodeSendMessageResponse(frame(`send-response-${v}`));
      const cmd = frame(`query-response-${v}`);
      const r = decodeQueryMessageResponse(cmd);
      expect(r.found).toBe(true);
      const [m, ...rest] = decodeStoredMessages(r.body);
      expect(rest).toEqual([]);
      expect(m).toMatchObject({ topic: TOPIC, keys: ['cap0'], queueId: 1, queueOffset: sent.queueOffset, offsetMsgId: sent.offsetMsgId });
      expect(m.body.toString()).toBe('Hello RocketMQ cap0');
      expect(r.indexLastUpdatePhyoffset).toBeGreaterThan(0);
      expect(r.indexLastUpdateTimestamp).toBeGreaterThanOrEqual(m.storeTimestamp);
    });
  });

  // 4.9.7 is run without a DLedger group (the interop suite keeps its 4.x part small).
  if (run.dledger) describe(`real RocketMQ ${v} DLedger error answers`, () => {
    it('a DLedger follower answers a send like a slave: SYSTEM_BUSY [REJECTREQUEST]', () => {
      const cmd = frame(`send-to-dledger-follower-${v}`);
      expect(cmd.code).toBe(ResponseCode.SYSTEM_BUSY);
      expect(cmd.remark).toBe('[REJECTREQUEST]system busy, start flow control for a while');
      expect(errorFromResponse(cmd).retriable).toBe(true);
    });

    it('a leader without a quorum answers SYSTEM_ERROR "in-sync replicas not enough"', () => {
      const cmd = frame(`send-quorum-timeout-${v}`);
      expect(cmd.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(cmd.remark).toBe('in-sync replicas not enough');
      const err = errorFromResponse(cmd);
      expect(err).toBeInstanceOf(BrokerResponseError);
      expect(err.responseCode).toBe(1);
    });
  });
}

describe('real fixtures', () => {
  it('every .hex has its .md naming the broker version and how it was captured', () => {
    for (const run of RUNS) {
      const names = ['route-legacy', 'route-standard', 'send-response', 'pull-response', 'query-response', 'send-to-slave'];
      if (run.dledger) names.push('send-to-dledger-follower', 'send-quorum-timeout');
      for (const n of names) {
        const md = join(here, 'fixtures', `real-${n}-${run.version}.md`);
        expect(existsSync(md), md).toBe(true);
        expect(readFileSync(md, 'utf8')).toContain(`real Apache RocketMQ ${run.version}`);
      }
    }
  });
});
