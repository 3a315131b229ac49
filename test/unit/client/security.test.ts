import { describe, expect, it } from 'vitest';
import { securedTransport, validateSecurityOptions } from '../../../src/client/security.js';
import { ValidationError } from '../../../src/errors.js';

describe('top-level security options → transport', () => {
  it('maps keys to credentials and tls, taking precedence over transport', () => {
    const t = securedTransport(
      { connectTimeoutMs: 50, tls: false, credentials: { accessKey: 'old', secretKey: 'old' } },
      { accessKey: 'ak', secretKey: 'sk', securityToken: 'tok', tls: { ca: 'PEM' } },
    );
    expect(t).toEqual({ connectTimeoutMs: 50, tls: { ca: 'PEM' }, credentials: { accessKey: 'ak', secretKey: 'sk', securityToken: 'tok' } });
  });

  it('leaves transport alone when no top-level option is set', () => {
    const transport = { tls: true, credentials: { accessKey: 'a', secretKey: 's' } };
    expect(securedTransport(transport, {})).toEqual(transport);
    expect(securedTransport(undefined, {})).toEqual({});
  });

  it('rejects incomplete or malformed keys and tls values', () => {
    for (const bad of [{ accessKey: 'a' }, { secretKey: 's' }, { securityToken: 't' }, { accessKey: 'a', secretKey: '' }, { accessKey: 1, secretKey: 's' }, { tls: 'on' }, { tls: null }]) {
      expect(() => validateSecurityOptions(bad as never)).toThrow(ValidationError);
    }
    expect(() => validateSecurityOptions({ accessKey: 'a', secretKey: 's', tls: true })).not.toThrow();
  });
});
