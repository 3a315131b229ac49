import { describe, expect, it } from 'vitest';
import { signRequest } from '../../../../src/client/acl.js';
import { ValidationError } from '../../../../src/errors.js';
import { AclValidator, compileAddressPattern, neededAccess, NO_PERMISSION, parsePerm, Perm, permits, type MockAclConfig } from '../../../../src/mock/acl/index.js';
import { createRequest, type RemotingCommand } from '../../../../src/remoting/command.js';

const CONFIG: MockAclConfig = {
  globalWhiteRemoteAddresses: ['10.10.103.*', '192.168.0.{1,2}'],
  accounts: [
    { accessKey: 'RocketMQ', secretKey: '12345678', whiteRemoteAddress: '192.168.5.1-9', defaultTopicPerm: 'DENY', defaultGroupPerm: 'SUB', topicPerms: ['topicA=DENY', 'topicB=PUB|SUB', 'topicC=SUB'], groupPerms: ['groupA=DENY', 'groupB=PUB|SUB'] },
    { accessKey: 'rocketmq2', secretKey: '12345678', admin: true },
    { accessKey: 'limitedAdmin', secretKey: 'abcdefgh', admin: true, topicPerms: { topicB: 'SUB' } },
  ],
};
const USER = { accessKey: 'RocketMQ', secretKey: '12345678' };
const ADMIN = { accessKey: 'rocketmq2', secretKey: '12345678' };
const v = new AclValidator(CONFIG);
const ip = '127.0.0.1';

const sendV2 = (topic: string, group = 'PG'): RemotingCommand => createRequest(310, { a: group, b: topic, c: 'TBW102', d: 4, e: 0 }, Buffer.from('body'));
const pull = (topic: string, group: string): RemotingCommand => createRequest(11, { consumerGroup: group, topic, queueId: 0, queueOffset: 0 });

describe('mock ACL validator', () => {
  it('passes signed requests the account may make', () => {
    expect(v.check(signRequest(sendV2('topicB'), USER), ip)).toBeUndefined();
    expect(v.check(signRequest(pull('topicC', 'groupB'), USER), ip)).toBeUndefined();
    expect(v.check(signRequest(pull('topicC', 'anyGroup'), USER), ip)).toBeUndefined(); // default group perm SUB
    expect(v.check(signRequest(sendV2('whatever'), ADMIN), ip)).toBeUndefined(); // admin without perms: all
  });

  it('answers the real remarks for missing, unknown and badly signed requests', () => {
    expect(v.check(sendV2('topicB'), ip)).toEqual({ code: NO_PERMISSION, remark: 'No accessKey is configured' });
    expect(v.check(signRequest(sendV2('topicB'), { accessKey: 'nobody', secretKey: 'x' }), ip)?.remark).toBe('No acl config for nobody');
    expect(v.check(signRequest(sendV2('topicB'), { ...USER, secretKey: 'wrong' }), ip)?.remark).toBe('Check signature failed for accessKey=RocketMQ');
    const signed = signRequest(sendV2('topicB'), USER);
    const tamperedField = { ...signed, extFields: { ...signed.extFields!, b: 'topicC' } };
    const tamperedBody = { ...signed, body: Buffer.from('bodY') };
    const noSignature = { ...signed, extFields: { ...signed.extFields!, Signature: '' } };
    for (const bad of [tamperedField, tamperedBody, noSignature]) expect(v.check(bad, ip)?.remark).toBe('Check signature failed for accessKey=RocketMQ');
  });

  it('checks topic and group permissions per request code', () => {
    expect(v.check(signRequest(sendV2('topicA'), USER), ip)?.remark).toBe('No default permission for topic:topicA');
    expect(v.check(signRequest(sendV2('topicC'), USER), ip)?.remark).toBe('No default permission for topic:topicC'); // SUB only
    expect(v.check(signRequest(sendV2('unlisted'), USER), ip)?.remark).toBe('No default permission for topic:unlisted');
    expect(v.check(signRequest(pull('topicB', 'groupA'), USER), ip)?.remark).toBe('No default permission for group:groupA');
    // A send to a retry topic needs the group's SUB (consumer send-back path), not the topic's PUB.
    expect(v.check(signRequest(sendV2('%RETRY%groupB', 'groupB'), USER), ip)).toBeUndefined();
    expect(v.check(signRequest(sendV2('%RETRY%groupA', 'groupA'), USER), ip)?.remark).toBe('No default permission for group:groupA');
    const limited = { accessKey: 'limitedAdmin', secretKey: 'abcdefgh' };
    expect(v.check(signRequest(sendV2('topicB'), limited), ip)?.remark).toBe('No default permission for topic:topicB');
  });

  it('requires admin for admin codes', () => {
    const create = createRequest(17, { topic: 'T', readQueueNums: 4 });
    expect(v.check(signRequest(create, USER), ip)?.remark).toBe('Need admin permission for request code=17, but accessKey=RocketMQ is not');
    expect(v.check(signRequest(create, ADMIN), ip)).toBeUndefined();
  });

  it('lets whitelisted IPs through and never checks the cluster’s own registration codes', () => {
    expect(v.check(sendV2('topicA'), '10.10.103.7')).toBeUndefined();
    expect(v.check(sendV2('topicA'), '::ffff:192.168.0.2')).toBeUndefined();
    expect(v.check(sendV2('topicA'), '192.168.0.3')?.remark).toBe('No accessKey is configured');
    // Account whitelist: the key must be present, but signature and perms are skipped.
    expect(v.check({ ...sendV2('topicA'), extFields: { ...sendV2('topicA').extFields!, AccessKey: 'RocketMQ' } }, '192.168.5.4')).toBeUndefined();
    expect(v.check(createRequest(103, { brokerName: 'b' }), ip)).toBeUndefined();
  });

  it('derives heartbeat needs from the body and survives junk bodies', () => {
    const body = Buffer.from(JSON.stringify({ clientID: 'c', consumerDataSet: [{ groupName: 'groupA', subscriptionDataSet: [{ topic: 'topicC' }, { topic: '%RETRY%groupA' }] }] }));
    const need = neededAccess(createRequest(34, {}, body));
    expect([...need.groups]).toEqual([['groupA', Perm.SUB]]);
    expect([...need.topics]).toEqual([['topicC', Perm.SUB]]);
    expect(v.check(signRequest(createRequest(34, {}, body), USER), ip)?.remark).toBe('No default permission for group:groupA');
    for (const junk of ['{', 'null', '{"consumerDataSet":7}', '{"consumerDataSet":[null,{"subscriptionDataSet":[1]}]}']) {
      expect(() => neededAccess(createRequest(34, {}, Buffer.from(junk)))).not.toThrow();
    }
  });

  it('implements Permission.checkPermission and plain_acl patterns', () => {
    expect(parsePerm('PUB|SUB')).toBe(Perm.PUB | Perm.SUB);
    expect(parsePerm('bogus')).toBe(Perm.DENY);
    expect(permits(Perm.ANY, Perm.SUB)).toBe(true);
    expect(permits(Perm.PUB, Perm.DENY | Perm.PUB)).toBe(false);
    const m = compileAddressPattern('1.2.3.4, 10.0.*.1-5, 8.8.8.{7,9}');
    expect(['1.2.3.4', '10.0.77.3', '8.8.8.9'].every(m)).toBe(true);
    expect(['1.2.3.5', '10.0.77.6', '8.8.8.8', 'junk', ''].some(m)).toBe(false);
    expect(compileAddressPattern('*')('anything')).toBe(true);
    expect(compileAddressPattern('')('1.2.3.4')).toBe(false);
    expect(() => compileAddressPattern('1.2.x.4')).toThrow(ValidationError);
    expect(() => new AclValidator({ accounts: [{ accessKey: '', secretKey: 'x' }] })).toThrow(ValidationError);
    expect(() => new AclValidator({ accounts: [{ accessKey: 'a', secretKey: 'x', topicPerms: ['noequals'] }] })).toThrow(ValidationError);
  });
});
