import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/errors.js';
import { loadBrokerConf, parseBrokerConf } from '../../../../src/mock/conf/broker-conf.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

describe('parseBrokerConf', () => {
  it('reads the seed article\'s master/slave files with their real keys', () => {
    const m = loadBrokerConf(fixture('seed-ms-master.conf'));
    expect(m).toMatchObject({
      brokerClusterName: 'DefaultCluster',
      brokerName: 'broker-a',
      brokerId: 0,
      brokerRole: 'ASYNC_MASTER',
      flushDiskType: 'ASYNC_FLUSH',
      brokerIP1: '127.0.0.1',
      namesrvAddr: [{ host: '127.0.0.1', port: 9876 }, { host: '127.0.0.1', port: 9876 }],
      storePathRootDir: '/opt/application/rocketmq-all-4.5.2-bin-release/store',
      storePathCommitLog: '/opt/application/rocketmq-all-4.5.2-bin-release/store/commitlog',
      autoCreateTopicEnable: false,
      enableDLegerCommitLog: false,
      listenPort: 10911,
      slaveReadEnable: false,
    });
    // unknown keys are kept, untouched
    expect(m.extra).toEqual({ deleteWhen: '04', fileReservedTime: '48', brokerIP2: '127.0.0.1', autoCreateSubscriptionGroup: 'false' });
    expect(m.lines.brokerRole).toBe(6);
    const s = loadBrokerConf(fixture('seed-ms-slave.conf'));
    expect(s).toMatchObject({ brokerName: 'broker-a', brokerId: 1, brokerRole: 'SLAVE' });
  });

  it('reads the DLedger files: peers, self id, and the last of a repeated storePathRootDir', () => {
    const n0 = loadBrokerConf(fixture('seed-dledger-n0.conf'));
    expect(n0.brokerName).toBeUndefined(); // the article's n0 file really lacks it
    expect(n0).toMatchObject({
      enableDLegerCommitLog: true,
      dLegerGroup: 'broker-a',
      dLegerSelfId: 'n0',
      storePathRootDir: '/opt/application/rocketmq-all-4.5.2-bin-release/store/dledger_store',
      storePathCommitLog: '/opt/application/rocketmq-all-4.5.2-bin-release/store/commitlog',
    });
    expect(n0.dLegerPeers).toEqual([
      { id: 'n0', host: '127.0.0.1', port: 40911 },
      { id: 'n1', host: '127.0.0.1', port: 40911 },
      { id: 'n2', host: '127.0.0.1', port: 40911 },
    ]);
    expect(n0.lines.storePathRootDir).toBe(16);
    expect(loadBrokerConf(fixture('seed-dledger-n2.conf')).dLegerSelfId).toBe('n2');
  });

  it('takes the peer id as the text before the first dash, so hosts may contain dashes', () => {
    const c = parseBrokerConf('dLegerPeers=a1-my-host:40911;b22-other-host.local:40912\ndLegerSelfId=b22\n');
    expect(c.dLegerPeers).toEqual([{ id: 'a1', host: 'my-host', port: 40911 }, { id: 'b22', host: 'other-host.local', port: 40912 }]);
  });

  it('reads the remaining typed keys and trims blanks around typed values', () => {
    const c = parseBrokerConf('listenPort = 30911 \nslaveReadEnable=TRUE\nmappedFileSizeCommitLog=1048576\nbrokerRole=SYNC_MASTER\nflushDiskType=SYNC_FLUSH\n');
    expect(c).toMatchObject({ listenPort: 30911, slaveReadEnable: true, mappedFileSizeCommitLog: 1048576, brokerRole: 'SYNC_MASTER', flushDiskType: 'SYNC_FLUSH' });
  });

  const bad: [string, RegExp][] = [
    ['brokerId=abc', /b\.conf:2: brokerId: not an integer/],
    ['brokerId=-1', /b\.conf:2: brokerId: must be between/],
    ['brokerRole=MASTER', /b\.conf:2: brokerRole: must be one of ASYNC_MASTER, SYNC_MASTER, SLAVE/],
    ['flushDiskType=SOMETIMES', /b\.conf:2: flushDiskType/],
    ['listenPort=70000', /b\.conf:2: listenPort/],
    ['enableDLegerCommitLog=yes', /b\.conf:2: enableDLegerCommitLog: must be true or false/],
    ['autoCreateTopicEnable=1', /b\.conf:2: autoCreateTopicEnable/],
    ['namesrvAddr=localhost', /b\.conf:2: namesrvAddr: "localhost" is not host:port/],
    ['dLegerPeers=n0:127.0.0.1:40911', /b\.conf:2: dLegerPeers: peer "n0:127.0.0.1:40911" is not id-host:port/],
    ['dLegerPeers=n0-127.0.0.1:40911;n0-127.0.0.1:40912', /b\.conf:2: dLegerPeers: peer id n0 appears twice/],
    ['dLegerPeers=n0-127.0.0.1:x', /b\.conf:2: dLegerPeers/],
    ['mappedFileSizeCommitLog=12', /b\.conf:2: mappedFileSizeCommitLog/],
    ['brokerName=', /b\.conf:2: brokerName: must not be empty/],
  ];
  it.each(bad)('rejects %s naming file, line and key', (line, message) => {
    const run = () => parseBrokerConf(`# header\n${line}\n`, 'b.conf');
    expect(run).toThrow(ValidationError);
    expect(run).toThrow(message);
  });

  it('rejects a dLegerSelfId that is not among the peers', () => {
    expect(() => parseBrokerConf('dLegerPeers=n0-h:1;n1-h:2\ndLegerSelfId=n7\n', 'd.conf')).toThrow(/d\.conf:2: dLegerSelfId: not one of the dLegerPeers ids \(n0, n1\)/);
  });

  it('turns an unreadable file into a ValidationError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmq-conf-'));
    try {
      expect(() => loadBrokerConf(join(dir, 'missing.conf'))).toThrow(ValidationError);
      writeFileSync(join(dir, 'ok.conf'), 'brokerName=b\r\nbrokerId=0\r\n');
      expect(loadBrokerConf(join(dir, 'ok.conf'))).toMatchObject({ brokerName: 'b', brokerId: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
