import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/errors.js';
import { loadBrokerConf, parseBrokerConf } from '../../../../src/mock/conf/broker-conf.js';
import { planClusterFromConfs } from '../../../../src/mock/conf/cluster-plan.js';

const seed = (name: string) => loadBrokerConf(join(import.meta.dirname, 'fixtures', `seed-${name}.conf`));
const conf = (file: string, text: string) => parseBrokerConf(text, file);

describe('planClusterFromConfs', () => {
  it('turns the seed master/slave pair into one master-slave group', () => {
    const plan = planClusterFromConfs([seed('ms-master'), seed('ms-slave')]);
    expect(plan.options).toEqual({
      clusterName: 'DefaultCluster',
      groups: [{ brokerName: 'broker-a', mode: 'master-slave', syncMaster: false, slaveReadEnable: false }],
      autoCreateTopicEnable: false,
      namesrvPort: 9876,
    });
    expect(plan.nodes.map((n) => [n.brokerName, n.id, n.file?.endsWith('ms-master.conf') ? 'master' : 'slave'])).toEqual([
      ['broker-a', 'n0', 'master'],
      ['broker-a', 'n1', 'slave'],
    ]);
    expect(plan.warnings.some((w) => w.includes('storePathRootDir'))).toBe(true);
  });

  it('turns the three seed DLedger files into a 3-replica group, taking n0\'s name from dLegerGroup', () => {
    const plan = planClusterFromConfs([seed('dledger-n0'), seed('dledger-n1'), seed('dledger-n2')]);
    expect(plan.options.groups).toEqual([{ brokerName: 'broker-a', mode: 'dledger', replicas: 3, slaveReadEnable: false }]);
    expect(plan.nodes.map((n) => [n.id, n.file?.replace(/.*seed-/, '')])).toEqual([
      ['n0', 'dledger-n0.conf'],
      ['n1', 'dledger-n1.conf'],
      ['n2', 'dledger-n2.conf'],
    ]);
    expect(plan.nodes[0].storePathRootDir).toMatch(/dledger_store$/);
  });

  it('starts DLedger peers that have no file of their own, and maps foreign peer ids by position', () => {
    const plan = planClusterFromConfs([
      conf('g.conf', 'brokerName=g\nenableDLegerCommitLog=true\ndLegerPeers=a-h:1;b-h:2;c-h:3;d-h:4;e-h:5\ndLegerSelfId=c\n'),
    ]);
    expect(plan.options.groups).toEqual([{ brokerName: 'g', mode: 'dledger', replicas: 5, slaveReadEnable: false }]);
    expect(plan.nodes.map((n) => [n.id, n.file])).toEqual([['n0', undefined], ['n1', undefined], ['n2', 'g.conf'], ['n3', undefined], ['n4', undefined]]);
    expect(plan.warnings).toContain('g: DLedger peer c runs as mock replica n2');
  });

  it('makes single groups, SYNC_MASTER pairs and per-key cluster settings', () => {
    const plan = planClusterFromConfs([
      conf('a.conf', 'brokerName=a\nlistenPort=30911\nautoCreateTopicEnable=true\nmappedFileSizeCommitLog=65536\n'),
      conf('b-m.conf', 'brokerName=b\nbrokerRole=SYNC_MASTER\nslaveReadEnable=true\n'),
      conf('b-s.conf', 'brokerName=b\nbrokerRole=SLAVE\nbrokerId=2\n'),
    ]);
    expect(plan.options).toEqual({
      clusterName: 'DefaultCluster',
      groups: [
        { brokerName: 'a', mode: 'single', ports: [30911] },
        { brokerName: 'b', mode: 'master-slave', syncMaster: true, slaveReadEnable: true },
      ],
      autoCreateTopicEnable: true,
      mappedFileSize: 65536,
    });
    expect(plan.nodes.find((n) => n.brokerName === 'a')?.listenPort).toBe(30911);
    expect(plan.nodes.find((n) => n.brokerName === 'b')?.listenPort).toBeUndefined();
    expect(plan.warnings.some((w) => w.includes('listenPort'))).toBe(false);
  });

  it('warns and applies the first value when files disagree on a cluster-wide setting', () => {
    const plan = planClusterFromConfs([conf('a.conf', 'brokerName=a\nautoCreateTopicEnable=false\n'), conf('b.conf', 'brokerName=b\nautoCreateTopicEnable=true\n')]);
    expect(plan.options.autoCreateTopicEnable).toBe(false);
    expect(plan.warnings).toContain('autoCreateTopicEnable differs between a.conf and b.conf; the mock applies false to every broker');
  });

  const bad: [string, string[], RegExp][] = [
    ['no files', [], /no broker\.conf files/],
    ['two clusters', ['brokerName=a\n', 'brokerClusterName=Other\nbrokerName=b\n'], /f1\.conf:1: brokerClusterName: the mock runs one cluster/],
    ['no brokerName', ['brokerId=0\n'], /f0\.conf: brokerName: missing/],
    ['two masters', ['brokerName=a\n', 'brokerName=a\n'], /f1\.conf: brokerRole: group a has a second master/],
    ['slave without master', ['brokerName=a\nbrokerRole=SLAVE\nbrokerId=1\n'], /f0\.conf:2: brokerRole: group a has a SLAVE but no master/],
    ['two slaves', ['brokerName=a\n', 'brokerName=a\nbrokerRole=SLAVE\nbrokerId=1\n', 'brokerName=a\nbrokerRole=SLAVE\nbrokerId=2\n'], /f2\.conf:2: brokerRole: the mock runs one slave/],
    ['slave with id 0', ['brokerName=a\n', 'brokerName=a\nbrokerRole=SLAVE\n'], /f1\.conf: brokerId: a SLAVE needs a brokerId above 0/],
    ['master with id 1', ['brokerName=a\nbrokerId=1\n'], /f0\.conf:2: brokerId: ASYNC_MASTER needs brokerId 0/],
    ['mixed dledger', ['brokerName=a\nenableDLegerCommitLog=true\ndLegerPeers=n0-h:1\ndLegerSelfId=n0\n', 'brokerName=a\nbrokerId=1\nbrokerRole=SLAVE\n'], /f1\.conf: enableDLegerCommitLog: group a mixes/],
    ['dledger without peers', ['brokerName=a\nenableDLegerCommitLog=true\n'], /f0\.conf: dLegerPeers: missing/],
    ['dledger without self id', ['brokerName=a\nenableDLegerCommitLog=true\ndLegerPeers=n0-h:1\n'], /f0\.conf: dLegerSelfId: missing/],
    ['different peer lists', ['brokerName=a\nenableDLegerCommitLog=true\ndLegerPeers=n0-h:1;n1-h:2\ndLegerSelfId=n0\n', 'brokerName=a\nenableDLegerCommitLog=true\ndLegerPeers=n0-h:1\ndLegerSelfId=n0\n'], /f1\.conf:3: dLegerPeers: differs from f0\.conf/],
    ['same self id twice', ['brokerName=a\nenableDLegerCommitLog=true\ndLegerPeers=n0-h:1;n1-h:2\ndLegerSelfId=n1\n', 'brokerName=a\nenableDLegerCommitLog=true\ndLegerPeers=n0-h:1;n1-h:2\ndLegerSelfId=n1\n'], /f1\.conf:4: dLegerSelfId: n1 is also the id in f0\.conf/],
  ];
  it.each(bad)('rejects %s', (_what, texts, message) => {
    const run = () => planClusterFromConfs(texts.map((t, i) => conf(`f${i}.conf`, t)));
    expect(run).toThrow(ValidationError);
    expect(run).toThrow(message);
  });
});
