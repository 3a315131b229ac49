/**
 * ACL 1.0 enforcement for the mock: compiled rules ({@link AclValidator}), the per-request-code resource table and
 * a `RemotingServer` interceptor ({@link createAclInterceptor}); plus the store's message size limits as an
 * interceptor ({@link createLimitsInterceptor}).
 * @module
 */
export { createAclInterceptor, remoteIpOf } from './interceptor.js';
export { compileAddressPattern, normaliseIp, parsePerm, parseResourcePerms, Perm, permits, type AddressMatcher, type PermName } from './permission.js';
export { ADMIN_CODES, neededAccess, RETRY_GROUP_TOPIC_PREFIX, type NeededAccess } from './resources.js';
export { AclValidator, NO_PERMISSION, serverSignedContent, type AclRejection, type MockAclAccount, type MockAclConfig } from './validator.js';
export { checkMessageLimits, createLimitsInterceptor, DEFAULT_MAX_MESSAGE_SIZE, MAX_PROPERTIES_BYTES, MESSAGE_ILLEGAL, type MessageLimitsOptions } from './limits.js';
