/**
 * The protocol layer: request and response codes, one module per request code (request encoding and response
 * decoding for the client, request decoding and response encoding for the mock, side by side), route and cluster
 * JSON in both fastjson forms.
 * @module
 */
export * from './request-codes.js';
export * from './response-codes.js';
export * from './lenient-json.js';
export * from './complex-key-json.js';
export * from './fastjson.js';
export * from './route.js';
export * from './message-queue.js';
export type { HeaderSchema, FieldSpec, FieldKind } from './header-fields.js';
export * from './send-message.js';
export * from './pull-message.js';
export * from './query-message.js';
export * from './view-message.js';
export * from './route-info.js';
export * from './register-broker.js';
export * from './unregister-broker.js';
export * from './cluster-info.js';
export * from './kv-config.js';
export * from './heartbeat.js';
export * from './unregister-client.js';
export * from './consumer-list.js';
export * from './consumer-offset.js';
export * from './offsets.js';
export * from './send-back.js';
export * from './create-topic.js';
export * from './lock-batch.js';
export * from './end-transaction.js';
export * from './check-transaction.js';
export * from './notify-consumer-ids-changed.js';
export * from './consumer-running-info.js';
export * from './reset-offset.js';
export * from './consume-message-directly.js';
