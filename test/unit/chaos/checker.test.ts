import { describe, expect, it } from 'vitest';
import { ChaosChecker, formatReport } from '../../chaos/checker.js';

/** A run where everything went right except what the test injects. */
function baseline(): ChaosChecker {
  const c = new ChaosChecker();
  for (let i = 0; i < 10; i++) {
    c.sendStarted(`k${i}`);
    c.acknowledged(`k${i}`, i % 2 ? 'b' : 'a', 100 + i * 10, `ID${i}`);
    c.storedKey(`k${i}`);
    c.delivered(`ID${i}`, `k${i}`);
  }
  return c;
}

describe('chaos checker', () => {
  it('reports a clean run as clean', () => {
    const r = baseline().report();
    expect([r.sent, r.acknowledged, r.consumed, r.lost.length, r.duplicated.length, r.unacknowledgedStored.length]).toEqual([10, 10, 10, 0, 0, 0]);
    expect([r.undelivered, r.deliveryDuplicates, r.msgIdMismatches]).toEqual([[], 0, []]);
  });

  it('reports an injected consumer loss: acknowledged and stored, never delivered', () => {
    const c = baseline();
    c.sendStarted('skipped');
    c.acknowledged('skipped', 'a', 500, 'IDS');
    c.storedKey('skipped');
    expect(c.undeliveredCount()).toBe(1);
    const r = c.report();
    expect(r.lost).toEqual([]);
    expect(r.undelivered).toEqual(['skipped']);
    expect(formatReport(r)).toContain('UNDELIVERED (acknowledged, never consumed) 1 [skipped]');
    c.delivered('IDS', 'skipped');
    expect(c.undeliveredCount()).toBe(0);
  });

  it('counts redeliveries by msgId and flags a SendResult.msgId the consumer never saw', () => {
    const c = baseline();
    c.delivered('ID4', 'k4');
    c.delivered('ID4', 'k4');
    c.sendStarted('k10');
    c.acknowledged('k10', 'a', 600, 'WRONG');
    c.storedKey('k10');
    c.delivered('ID10', 'k10');
    const r = c.report();
    expect(r.deliveryDuplicates).toBe(2);
    expect(r.duplicatedDeliveries).toEqual([{ msgId: 'ID4', key: 'k4', deliveries: 3 }]);
    expect(r.msgIdMismatches).toEqual(['k10']);
    expect(r.undelivered).toEqual([]);
  });

  it('reports an injected loss and an injected duplicate', () => {
    const c = baseline();
    c.sendStarted('lost-one');
    c.acknowledged('lost-one', 'a', 500); // acknowledged, never stored
    c.storedKey('k3'); // a second copy of k3
    const r = c.report();
    expect(r.lost).toEqual(['lost-one']);
    expect(r.duplicated).toEqual([{ key: 'k3', copies: 2 }]);
    expect(formatReport(r)).toContain('LOST 1 [lost-one]');
  });

  it('separates unacknowledged-but-stored, failed attempts and never-sent keys', () => {
    const c = baseline();
    c.sendStarted('in-doubt');
    c.sendFailed();
    c.sendFailed();
    c.storedKey('in-doubt');
    c.storedKey('alien');
    const r = c.report();
    expect(r.unacknowledgedStored).toEqual(['in-doubt']);
    expect(r.unknownStored).toEqual(['alien']);
    expect(r.failedSends).toBe(2);
    expect(r.lost).toEqual([]);
  });

  it('measures RTO per fault as the time to the next ack on the same group', () => {
    const c = baseline(); // group a acks at 100,120,…,180; b at 110,…,190
    c.fault({ at: 125, kind: 'kill-leader', brokerName: 'a', target: 'n0' });
    c.fault({ at: 185, kind: 'pause', brokerName: 'b', target: 'n1' });
    c.fault({ at: 1000, kind: 'isolate', brokerName: 'a', target: 'n2' });
    expect(c.report().faults.map((f) => f.rtoMs)).toEqual([15, 5, undefined]);
  });
});
