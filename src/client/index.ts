/**
 * The client layer shared by producers, consumers and admin: nameserver discovery and calls, the topic route cache,
 * broker connections, latency fault tolerance and the retry policy.
 *
 * Typical wiring (what `src/producer` does):
 * ```ts
 * const { addrs } = await resolveNamesrvAddrs({ namesrvAddr });          // or a NamesrvAddrWatcher
 * const namesrv = new NamesrvClient({ addrs });
 * const faults = new LatencyFaultTolerance({ onIsolated, onRecovered });  // default ON in this SDK
 * const routes = new RouteManager({ source: namesrv, faultTolerance: faults });
 * routes.start();
 * const brokers = new BrokerPool();
 * // per attempt:
 * const info = await routes.getPublishInfo(topic);
 * const mq = info.selectQueue({ lastBrokerName, faultTolerance: faults });
 * const addr = routes.findBrokerAddressInPublish(mq.brokerName);
 * const res = await brokers.invoke(addr, request, { timeoutMs: remaining });
 * // on failure: const d = decideRetry({ attempt, elapsedMs, budgetMs, maxAttempts, error, anyGroupAvailable });
 * //   d.isolateBroker → faults.update(brokerName, elapsed, true); d.refreshRoute → routes.refresh(topic);
 * //   d.retry → sleep(d.delayMs) and try again; on success → faults.update(brokerName, elapsed, false).
 * ```
 * @module
 */

export * from './acl.js';
export * from './broker-pool.js';
export * from './client-id.js';
export * from './latency-fault.js';
export * from './namesrv-addr.js';
export * from './namesrv-client.js';
export * from './retry-policy.js';
export * from './route-manager.js';
export * from './security.js';
export * from './topic-publish-info.js';
export * from './transport.js';
