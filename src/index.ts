/**
 * rocketmq-ts: a pure-TypeScript Apache RocketMQ client speaking the classic remoting protocol.
 *
 * - {@link Producer}: keyed, batched, ordered and delayed sends that keep working through a DLedger election.
 * - {@link PushConsumer} and {@link PullConsumer}: clustering or broadcasting consumption with rebalance, retry and
 *   dead-letter handling.
 * - {@link Admin}: find messages by key or id, topics, routes, cluster info, offsets and consumer progress.
 *
 * The lower layers are exported as namespaces for tools and tests that need them: `remoting` (frames and
 * connections), `protocol` (one module per request code), `message` (stored records, properties, ids) and `client`
 * (nameserver, routes, broker pool, fault tolerance). The in-process mock cluster is a separate entry point,
 * `rocketmq-ts/mock`.
 * @module
 */
export * from './errors.js';
export * from './producer/index.js';
export * from './consumer/index.js';
export * from './admin/index.js';
export type { Message, MessageExt, SocketAddress } from './message/index.js';
export { MessageConst, DELAY_LEVELS } from './message/index.js';
export * as remoting from './remoting/index.js';
export * as protocol from './protocol/index.js';
export * as message from './message/index.js';
export * as client from './client/index.js';
export * as telemetry from './telemetry/index.js';
