import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aclSignature, aclSignedContent, composeRequestHooks, signRequest } from '../../../src/client/acl.js';
import { connectFnFor } from '../../../src/client/transport.js';
import { ValidationError } from '../../../src/errors.js';
import { createRequest } from '../../../src/remoting/command.js';

// A SEND_MESSAGE_V2-shaped header with a non-ASCII value, upper-case and underscore keys (Java TreeMap order puts
// 'A'..'Z' < '_' < 'a'..'z'), a SecurityToken, and a body.
const FIELDS: Record<string, string> = {
  a: 'PG',
  b: 'TopicTest',
  c: 'TBW102',
  d: '4',
  e: '0',
  f: '0',
  g: '1700000000000',
  h: '0',
  i: 'KEYS\u0001k1\u0002UNIQ_KEY\u0001ABC\u0002',
  j: '0',
  k: 'false',
  m: 'false',
  Zeta: 'é中',
  _u: 'x',
};
const BODY = Buffer.from('Hello RocketMQ');
const CREDS = { accessKey: 'rocketmq2', secretKey: '12345678', securityToken: 'tok' };
/**
 * Computed outside this code base: Python's sorted() over the keys (code-point order, equal to UTF-16 order for
 * these BMP keys), ''.join(values).encode('utf-8') + body, then both
 * `base64(hmac.new(b'12345678', content, hashlib.sha1).digest())` and
 * `openssl dgst -sha1 -hmac 12345678 -binary content.bin | base64` gave this value.
 */
const EXPECTED_SIGNATURE = 'VF/KRn0OA61FJo10DjQIKgRT0tM=';

describe('ACL 1.0 signing', () => {
  it('matches an independently computed vector (sorted values + body, HMAC-SHA1, Base64)', () => {
    const signed = signRequest(createRequest(310, FIELDS, BODY), CREDS);
    expect(signed.extFields?.AccessKey).toBe('rocketmq2');
    expect(signed.extFields?.SecurityToken).toBe('tok');
    expect(signed.extFields?.Signature).toBe(EXPECTED_SIGNATURE);
  });

  it('agrees with openssl run now over the content bytes', () => {
    const fields = { ...FIELDS, AccessKey: 'ak_1234567', extra: 'ü' };
    const body = Buffer.from([0, 1, 2, 255, 254]);
    // Build the content by hand here (not with aclSignedContent) so the check stays independent.
    const manual = Buffer.concat([
      Buffer.from(['AccessKey', 'Zeta', '_u', 'a', 'b', 'c', 'd', 'e', 'extra', 'f', 'g', 'h', 'i', 'j', 'k', 'm'].map((k) => (fields as Record<string, string>)[k]).join(''), 'utf8'),
      body,
    ]);
    expect(aclSignedContent(fields, body).equals(manual)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'acl-vec-'));
    try {
      const file = join(dir, 'content.bin');
      writeFileSync(file, manual);
      const mac = execFileSync('openssl', ['dgst', '-sha1', '-hmac', 'secret-ü', '-binary', file]);
      expect(aclSignature(manual, 'secret-ü')).toBe(mac.toString('base64'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves Signature out of the content, replaces a stale one and does not mutate the input', () => {
    const cmd = createRequest(10, { topic: 'T', Signature: 'stale' }, Buffer.from('b'));
    const signed = signRequest(cmd, { accessKey: 'AK', secretKey: 'SK' });
    expect(cmd.extFields).toEqual({ topic: 'T', Signature: 'stale' });
    expect(signed.extFields?.SecurityToken).toBeUndefined();
    const expected = aclSignature(Buffer.concat([Buffer.from('AKT'), Buffer.from('b')]), 'SK');
    expect(signed.extFields?.Signature).toBe(expected);
    expect(signRequest(signed, { accessKey: 'AK', secretKey: 'SK' }).extFields?.Signature).toBe(expected);
  });

  it('signs requests without extFields or body (only the AccessKey is signed)', () => {
    const signed = signRequest(createRequest(105), { accessKey: 'AK', secretKey: 'SK' });
    expect(signed.extFields?.Signature).toBe(aclSignature(Buffer.from('AK'), 'SK'));
  });

  it('runs user hooks first and signs last, so fields added by hooks are covered', () => {
    const hook = composeRequestHooks([(c) => ({ ...c, extFields: { ...c.extFields, OnsChannel: 'ALIYUN' } })], { accessKey: 'AK', secretKey: 'SK' });
    const out = hook!(createRequest(10, { topic: 'T' }), '127.0.0.1:1');
    expect(out.extFields?.OnsChannel).toBe('ALIYUN');
    expect(out.extFields?.Signature).toBe(aclSignature(Buffer.from('AKALIYUNT'), 'SK'));
    expect(composeRequestHooks(undefined, undefined)).toBeUndefined();
  });

  it('rejects bad credentials with ValidationError, also when building a transport', () => {
    expect(() => signRequest(createRequest(10), { accessKey: '', secretKey: 'x' })).toThrow(ValidationError);
    expect(() => signRequest(createRequest(10), { accessKey: 'a', secretKey: 7 as unknown as string })).toThrow(ValidationError);
    expect(() => signRequest(createRequest(10), null as unknown as { accessKey: string; secretKey: string })).toThrow(ValidationError);
    expect(() => connectFnFor({ credentials: { accessKey: 'a', secretKey: '' } })).toThrow(ValidationError);
  });
});
