/**
 * Messages: shapes, property codec, stored records, batch bodies, compression and ids.
 * @module
 */
export * from './types.js';
export * from './constants.js';
export * from './properties.js';
export * from './hosts.js';
export * from './crc32.js';
export * from './compression.js';
export * from './stored.js';
export { StoredMessageExt, hexUpper } from './stored-ext.js';
export * from './batch.js';
export * from './ids.js';
export * from './limits.js';
