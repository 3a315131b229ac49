/**
 * Mock fidelity against frames captured from REAL brokers: a send straight to the SLAVE of a master/slave group is
 * answered with the code and remark of test/unit/protocol/fixtures/real-send-to-slave-<version> (5.3.3: SYSTEM_BUSY 2
 * "[REJECTREQUEST]…"; 4.9.7: SERVICE_NOT_AVAILABLE 14 "service not available now… [disk ratios]…").
 */
import { afterAll, describe, expect, it } from 'vitest';
import { MockCluster } from '../../src/mock/index.js';
import type { BrokerVersion } from '../../src/mock/broker/options.js';
import { decodeFrame } from '../../src/remoting/frame.js';
import { readHexFixture } from '../unit/protocol/helpers.js';
import { Conns, sendReq } from './mock-helpers.js';

/** The disk ratios 4.9.x prints between the first brackets differ per machine; everything else must match. */
const maskRatios = (remark: string | undefined): string => (remark ?? '').replace(/disk is full \[[^\]]*\]/, 'disk is full [*]');

const CASES: { mock: BrokerVersion; real: string }[] = [
  { mock: '5', real: '5.3.3' },
  { mock: '4.9', real: '4.9.7' },
];

describe('mock SLAVE answers a send as the real broker does', () => {
  const conns = new Conns();
  const clusters: MockCluster[] = [];
  afterAll(async () => {
    await conns.closeAll();
    await Promise.all(clusters.map((c) => c.stop()));
  });

  for (const { mock, real } of CASES) {
    it(`version ${mock}: code and remark of real-send-to-slave-${real}`, async () => {
      const bytes = readHexFixture(`real-send-to-slave-${real}`);
      const golden = decodeFrame(bytes.subarray(4));
      const cluster = await MockCluster.start({ groups: [{ brokerName: 'broker-ms', mode: 'master-slave' }], brokerVersion: mock, timeScale: 0.05 });
      clusters.push(cluster);
      await cluster.createTopic('T', { queues: 1 });
      const slave = cluster.broker('broker-ms', 'n1');
      const res = await conns.call(slave.addr, sendReq('T', 'to the slave'));
      expect(res.code).toBe(golden.code);
      expect(maskRatios(res.remark)).toBe(maskRatios(golden.remark));
      expect(res.body).toBeUndefined();
    });
  }
});
