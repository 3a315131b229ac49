/**
 * Index hash collisions. The real broker's IndexFile compares only `hashCode(topic#key)`, so a query for `Aa`
 * returns the `BB` messages too ("Aa" and "BB" have equal Java hashCodes). The mock's index is exact, so this test
 * stands up a tiny broker that indexes the way IndexFile does, on a real socket, and checks Admin drops the impostors.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Admin } from '../../src/admin/index.js';
import { encodeStoredMessage } from '../../src/message/stored.js';
import { decodeQueryMessageRequest, encodeQueryMessageResponse } from '../../src/protocol/query-message.js';
import { RequestCode } from '../../src/protocol/request-codes.js';
import { decodeRouteInfoRequest, encodeRouteInfoResponse } from '../../src/protocol/route-info.js';
import type { TopicRouteData } from '../../src/protocol/route.js';
import { RemotingServer } from '../../src/remoting/server.js';

/** Java `String.hashCode`. */
function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

const T = 'collide_topic';
let namesrv: RemotingServer;
let broker: RemotingServer;
let admin: Admin;
const seenHeaders: Record<string, string>[] = [];

beforeAll(async () => {
  expect(javaHash(`${T}#Aa`)).toBe(javaHash(`${T}#BB`));
  broker = new RemotingServer();
  const port = await broker.listen();
  const addr = `127.0.0.1:${port}`;
  const stored: { hash: number; storeTimestamp: number; record: Buffer }[] = [];
  let phys = 0;
  const put = (key: string, body: string, storeTimestamp: number): void => {
    const record = encodeStoredMessage({
      topic: T,
      body: Buffer.from(body),
      properties: { KEYS: key, UNIQ_KEY: `0A0000010000000000000000000000${String(stored.length).padStart(2, '0')}` },
      queueId: 0,
      queueOffset: stored.length,
      commitLogOffset: phys,
      bornTimestamp: storeTimestamp - 1,
      bornHost: '127.0.0.1:50000',
      storeTimestamp,
      storeHost: addr,
    });
    phys += record.length;
    stored.push({ hash: javaHash(`${T}#${key}`), storeTimestamp, record });
  };
  put('BB', 'impostor 1', 1_000);
  put('Aa', 'wanted 1', 2_000);
  put('BB', 'impostor 2', 3_000);
  put('Aa', 'wanted 2', 4_000);
  broker.handle(RequestCode.QUERY_MESSAGE, (req) => {
    seenHeaders.push({ ...(req.extFields ?? {}) });
    const { header: h } = decodeQueryMessageRequest(req);
    const want = javaHash(`${h.topic}#${h.key}`);
    // IndexFile walks newest first and compares the hash and the time range, never the key itself.
    const hits = stored
      .filter((s) => s.hash === want && s.storeTimestamp >= h.beginTimestamp && s.storeTimestamp <= h.endTimestamp)
      .reverse()
      .slice(0, h.maxNum);
    return encodeQueryMessageResponse(req, { indexLastUpdateTimestamp: 4_000, indexLastUpdatePhyoffset: phys }, hits.length ? Buffer.concat(hits.map((s) => s.record)) : undefined);
  });
  const route: TopicRouteData = {
    queueDatas: [{ brokerName: 'broker-x', readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0 }],
    brokerDatas: [{ cluster: 'C', brokerName: 'broker-x', brokerAddrs: { '0': addr } }],
    filterServerTable: {},
  };
  namesrv = new RemotingServer();
  namesrv.handle(RequestCode.GET_ROUTEINFO_BY_TOPIC, (req) => {
    const { header } = decodeRouteInfoRequest(req);
    return encodeRouteInfoResponse(req, header.topic === T ? route : undefined);
  });
  const nsPort = await namesrv.listen();
  admin = new Admin({ namesrvAddr: `127.0.0.1:${nsPort}` });
  await admin.start();
});

afterAll(async () => {
  await admin?.shutdown();
  await namesrv?.close();
  await broker?.close();
});

it('drops records whose key only shares the hash, and sorts by store time', async () => {
  const res = await admin.queryMessage(T, 'Aa');
  expect(res.messages.map((m) => m.body.toString())).toEqual(['wanted 1', 'wanted 2']);
  expect(res.sources).toEqual([{ brokerName: 'broker-x', addr: expect.any(String), brokerId: 0, found: 2, dropped: 2 }]);
  const bb = await admin.queryMessageByKey(T, 'BB');
  expect(bb.map((m) => m.body.toString())).toEqual(['impostor 1', 'impostor 2']);
  expect(await admin.queryMessageByKey(T, 'BB', { beginTimestamp: 2_000, endTimestamp: 3_500 })).toHaveLength(1);
});

it('puts beginTimestamp / endTimestamp on the wire by those names, Long.MAX_VALUE when open', async () => {
  seenHeaders.length = 0;
  await admin.queryMessageByKey(T, 'Aa', { beginTimestamp: 5 });
  expect(seenHeaders[0]).toEqual(expect.objectContaining({ topic: T, key: 'Aa', maxNum: '64', beginTimestamp: '5', endTimestamp: '9223372036854775807' }));
  expect(seenHeaders[0]._UNIQUE_KEY_QUERY).toBeUndefined();
  seenHeaders.length = 0;
  await admin.queryMessage(T, '0A000001000000000000000000000001', {}, true);
  expect(seenHeaders[0]).toEqual(expect.objectContaining({ maxNum: '32', _UNIQUE_KEY_QUERY: 'true' }));
});
