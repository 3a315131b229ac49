/**
 * ACL enforcement as a {@link RequestInterceptor} of a `RemotingServer`, so any mock server (nameserver, broker,
 * or a test's own) can enforce it without touching its processors.
 * @module
 */
import { createResponse } from '../../remoting/command.js';
import type { RemotingConnection } from '../../remoting/connection.js';
import type { RequestInterceptor } from '../../remoting/server.js';
import { normaliseIp } from './permission.js';
import { AclValidator, type MockAclConfig } from './validator.js';

/**
 * An interceptor refusing requests the ACL does not allow (NO_PERMISSION + the real remark) and passing the rest
 * on: to `inner` when given (e.g. a broker's pause/latency interceptor, which then sees only allowed requests),
 * else to the handler.
 * @param acl - a config or an already compiled validator
 * @param inner - the interceptor to chain after the check
 * @throws ValidationError for a malformed config
 */
export function createAclInterceptor(acl: MockAclConfig | AclValidator, inner?: RequestInterceptor): RequestInterceptor {
  const validator = acl instanceof AclValidator ? acl : new AclValidator(acl);
  return (req, conn, next) => {
    const rejection = validator.check(req, remoteIpOf(conn));
    if (rejection) return createResponse(req, rejection.code, rejection.remark);
    return inner ? inner(req, conn, next) : next();
  };
}

/** The peer IP of a server-side connection (IPv4-mapped addresses unwrapped). */
export function remoteIpOf(conn: RemotingConnection): string {
  return normaliseIp(conn.socket.remoteAddress);
}
