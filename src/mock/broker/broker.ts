/**
 * `MockBroker`: one RocketMQ broker on a real TCP port, over the mock `MessageStore`. It serves the client requests
 * (processors in `send.ts`, `pull.ts`, `query.ts`, `clients.ts`, `admin.ts`), registers with the nameservers every
 * 30 s and on every role change, runs the delay service, and replicates:
 * - master/slave: an in-process HA link copies the master's commitlog bytes to the slave (`replication.ts`);
 * - dledger: the DLedger replica's log is the commitlog; the role handler (`dledger-role.ts`) turns Raft roles into
 *   broker roles and ids exactly as DLedgerRoleChangeHandler does.
 * @module
 */
import { EventEmitter } from 'node:events';
import { ClientStateError } from '../../errors.js';
import type { RemotingCommand } from '../../remoting/command.js';
import { RemotingConnection } from '../../remoting/connection.js';
import { RemotingServer } from '../../remoting/server.js';
import { encodeRegisterBrokerRequest } from '../../protocol/register-broker.js';
import type { SendStatus } from '../../protocol/send-message.js';
import { createAclInterceptor } from '../acl/interceptor.js';
import { AclValidator } from '../acl/validator.js';
import { createLimitsInterceptor } from '../acl/limits.js';
import { guarded } from '../headers.js';
import { MessageStore } from '../store/message-store.js';
import type { PutMessageInput, PutMessageResult } from '../store/types.js';
import { scaled, sleep, TimerSet } from '../timing.js';
import { ClientManager } from './client-manager.js';
import { RebalanceLockManager } from './lock-manager.js';
import {
  rejectSendOnSlave,
  type BrokerRole,
  type BrokerVersion,
  type MockBrokerOptions,
  type Rejection,
} from './options.js';
import { PullHoldService } from './pull-hold.js';
import { ScheduleService } from './schedule.js';
import { ensureSystemTopics } from './topics.js';
import { registerProcessors } from './processors.js';
import { DLedgerGlue } from './dledger-role.js';
import { HaLink } from './replication.js';

/** Outcome of storing one message through the broker's replication. */
export type PutOutcome =
  | {
      /** Stored. */
      ok: true;
      /** Where and how it was stored. */
      result: PutMessageResult;
      /** Send status to answer with. */
      status: SendStatus;
    }
  | ({
      /** Rejected: the response code and remark follow. */
      ok: false;
    } & Rejection);

/** Payload of the broker's `roleChange` event. */
export interface BrokerRoleChange {
  /** Broker group. */
  brokerName: string;
  /** `host:port`. */
  addr: string;
  /** New role. */
  role: BrokerRole;
  /** New broker id (-1 before a DLedger broker's first role). */
  brokerId: number;
}

/** Events of {@link MockBroker}. */
export interface MockBrokerEvents {
  /** Role or broker id changed (and the broker re-registered). */
  roleChange: [BrokerRoleChange];
}

const REGISTER_INTERVAL_MS = 30_000;
const CLIENT_SCAN_MS = 10_000;
const CLIENT_EXPIRE_MS = 120_000;
const LOCK_EXPIRY_MS = 60_000;
const DEFAULT_BROKER_VERSION_ORDINAL: Record<BrokerVersion, number> = { '5': 479, '4.9': 403 };

/** A mock broker. */
export class MockBroker extends EventEmitter<MockBrokerEvents> {
  /** Broker group name. */
  readonly brokerName: string;
  /** Cluster name. */
  readonly clusterName: string;
  /** Resolved options. */
  readonly options: Readonly<MockBrokerOptions>;
  /** Multiplier of every period. */
  readonly timeScale: number;
  /** Version whose answers the broker gives. */
  readonly brokerVersion: BrokerVersion;
  /** Client registrations. */
  readonly clients = new ClientManager();
  /** Orderly-consumer queue locks. */
  readonly locks: RebalanceLockManager;
  /** Parked long-polling pulls. */
  readonly pullHold: PullHoldService;
  private readonly host: string;
  private boundPort: number;
  private server: RemotingServer | undefined;
  private _store: MessageStore | undefined;
  private _role: BrokerRole;
  private _brokerId: number;
  private readonly timers = new TimerSet();
  private readonly namesrv = new Map<string, RemotingConnection>();
  private schedule: ScheduleService | undefined;
  private paused = false;
  private pauseWaiters: Array<() => void> = [];
  private latencyMs = 0;
  /** HA links to this master's slaves (master/slave mode). */
  readonly slaves: HaLink[] = [];
  /** The other brokers of the group (set by the cluster; used by followers to sync offsets from the master). */
  peers: () => MockBroker[] = () => [];
  /** DLedger glue (dledger mode). */
  dledger: DLedgerGlue | undefined;
  /** Compiled ACL rules, when `acl` is set (compiled at construction so a bad config fails early). */
  private readonly acl: AclValidator | undefined;

  /** @param options - see {@link MockBrokerOptions} */
  constructor(options: MockBrokerOptions) {
    super();
    this.options = { ...options };
    this.brokerName = options.brokerName;
    this.clusterName = options.clusterName ?? 'DefaultCluster';
    this.timeScale = options.timeScale ?? 1;
    this.brokerVersion = options.brokerVersion ?? '5';
    this.host = options.host ?? '127.0.0.1';
    this.boundPort = options.port ?? 0;
    const dledger = options.dledger !== undefined;
    // A DLedger broker starts with the configured default role and id -1; its first Raft role (CANDIDATE) turns it
    // into a SLAVE through the role handler, as BrokerStartup + DLedgerRoleChangeHandler do.
    this._role = dledger ? 'ASYNC_MASTER' : (options.role ?? 'ASYNC_MASTER');
    this._brokerId = dledger ? -1 : (options.brokerId ?? (this._role === 'SLAVE' ? 1 : 0));
    this.locks = new RebalanceLockManager(scaled(LOCK_EXPIRY_MS, this.timeScale));
    this.pullHold = new PullHoldService((t, q) => this._store?.getMaxOffset(t, q) ?? 0);
    this.acl = options.acl ? new AclValidator(options.acl) : undefined;
  }

  /** `host:port` clients use. */
  get addr(): string {
    return `${this.host}:${this.boundPort}`;
  }

  /** The bound port. */
  get port(): number {
    return this.boundPort;
  }

  /** Current role. */
  get role(): BrokerRole {
    return this._role;
  }

  /** Current broker id (0 = master; -1 before a DLedger broker's first role). */
  get brokerId(): number {
    return this._brokerId;
  }

  /** Whether the broker is running. */
  get running(): boolean {
    return this.server !== undefined;
  }

  /** The MQVersion ordinal the broker announces. */
  get versionOrdinal(): number {
    return DEFAULT_BROKER_VERSION_ORDINAL[this.brokerVersion];
  }

  /** The store (throws when the broker is not running). */
  get store(): MessageStore {
    if (!this._store) throw new ClientStateError(`broker ${this.brokerName}@${this.addr} is not running`);
    return this._store;
  }

  /** Starts: listen (same port on a restart), open the store from disk, start services, register. */
  async start(): Promise<this> {
    if (this.server) return this;
    const tls = this.options.tls;
    const server = new RemotingServer({
      host: this.host,
      port: this.boundPort,
      version: this.versionOrdinal,
      ...(tls ? { tls: { key: tls.key, cert: tls.cert } } : {}),
    });
    this.boundPort = await server.listen();
    try {
      const dl = this.options.dledger;
      this._store = new MessageStore({
        storePathRootDir: this.options.storePathRootDir,
        storePathCommitLog: this.options.storePathCommitLog,
        mappedFileSize: this.options.mappedFileSize,
        mode: dl ? 'dledger' : 'plain',
        storeHost: this.addr,
      });
    } catch (err) {
      await server.close();
      throw err;
    }
    this.server = server;
    ensureSystemTopics(this.store.config, this.clusterName, this.brokerName, this.options.autoCreateTopicEnable ?? false);
    // Fault injection first (a paused broker answers nothing, not even refusals), then ACL as the real broker's RPC
    // hook, then the store's size limits, then the processor.
    const limits = createLimitsInterceptor({ maxMessageSize: this.options.maxMessageSize });
    const checks = this.acl ? createAclInterceptor(this.acl, limits) : limits;
    server.setInterceptor(async (req, conn, next) => {
      if (this.paused) await new Promise<void>((r) => this.pauseWaiters.push(r));
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      if (!this.server) return undefined;
      return checks(req, conn, next);
    });
    server.on('connection', (conn) => conn.on('close', () => this.clients.channelClosed(conn)));
    registerProcessors(this, (code, fn) => server.handle(code, guarded<RemotingConnection>(fn)));
    this.schedule = new ScheduleService(this);
    this.timers.every(scaled(REGISTER_INTERVAL_MS, this.timeScale), () => this.registerAll());
    this.timers.every(scaled(CLIENT_SCAN_MS, this.timeScale), () => {
      for (const ch of this.clients.scanExpired(Date.now(), scaled(CLIENT_EXPIRE_MS, this.timeScale))) {
        void (ch as RemotingConnection).close();
      }
    });
    this.timers.every(scaled(5_000, this.timeScale), () => this._store?.config.flush());
    if (this.options.dledger) {
      this.dledger = new DLedgerGlue(this, this.options.dledger.node);
      this.dledger.start();
    } else {
      if (this._role !== 'SLAVE') this.schedule.start();
      // In DLedger mode the role handler registers; a plain broker registers at start (BrokerController#start).
      await this.registerAll();
    }
    return this;
  }

  /** Stops: closes sockets, timers, the DLedger replica and the store (files stay). */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.timers.clear();
    this.schedule?.stop();
    this.dledger?.stop();
    this.dledger = undefined;
    this.pullHold.releaseAll();
    this.resume();
    await server.close();
    await Promise.all([...this.namesrv.values()].map((c) => c.close()));
    this.namesrv.clear();
    this._store?.close();
    this._store = undefined;
  }

  /** Freezes request handling (like SIGSTOP): requests wait until {@link MockBroker.resume}. */
  pause(): void {
    this.paused = true;
  }

  /** Thaws request handling. */
  resume(): void {
    this.paused = false;
    const w = this.pauseWaiters;
    this.pauseWaiters = [];
    for (const r of w) r();
  }

  /** Whether the broker is paused. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Adds latency before every request is handled. */
  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  /**
   * Changes role and id, re-registers, and raises `roleChange` (the DLedger role handler and tests call this).
   * @param role - new role
   * @param brokerId - new broker id
   */
  async changeRole(role: BrokerRole, brokerId: number): Promise<void> {
    if (role === this._role && brokerId === this._brokerId) return;
    this._role = role;
    this._brokerId = brokerId;
    // A role change raises the state version, so the nameserver sees a newer registration (5.x).
    if (this._store) this._store.config.topicsVersion.stateVersion += 1;
    if (role === 'SLAVE') this.schedule?.stop();
    else this.schedule?.start();
    this.emit('roleChange', { brokerName: this.brokerName, addr: this.addr, role, brokerId });
    await this.registerAll();
  }

  /** Registers with every nameserver (REGISTER_BROKER, sync); failures are ignored until the next round. */
  async registerAll(): Promise<void> {
    const store = this._store;
    // A paused broker stands for a frozen (SIGSTOPped) JVM: it sends nothing. Registering from here would keep putting
    // a deposed master back as brokerId 0 over the new leader for as long as it is paused.
    if (!store || !this.server || this.paused) return;
    const topicConfigTable = Object.fromEntries([...store.config.topics].map(([k, v]) => [k, { ...v }]));
    const req = (): RemotingCommand =>
      encodeRegisterBrokerRequest(
        {
          brokerName: this.brokerName,
          brokerAddr: this.addr,
          clusterName: this.clusterName,
          haServerAddr: `${this.host}:${this.boundPort + 1}`,
          brokerId: this._brokerId,
          enableActingMaster: false,
        },
        { filterServerList: [], topicConfigSerializeWrapper: { dataVersion: { ...store.config.topicsVersion }, topicConfigTable } },
      );
    await Promise.all(
      (this.options.namesrvAddrs ?? []).map(async (addr) => {
        try {
          const conn = await this.namesrvConnection(addr);
          await conn.invoke(req(), { timeoutMs: 3000 });
        } catch {
          // The next periodic registration retries (RocketMQ logs and moves on too).
        }
      }),
    );
  }

  private async namesrvConnection(addr: string): Promise<RemotingConnection> {
    const old = this.namesrv.get(addr);
    if (old && !old.closed) return old;
    const i = addr.lastIndexOf(':');
    const tls = this.options.tls;
    const conn = await RemotingConnection.connect({
      host: addr.slice(0, i),
      port: Number(addr.slice(i + 1)),
      connectTimeoutMs: 3000,
      ...(tls ? { tls: tls.ca !== undefined ? { ca: tls.ca } : true } : {}),
    });
    if (!this.server) {
      await conn.close();
      throw new ClientStateError('broker stopped');
    }
    this.namesrv.set(addr, conn);
    return conn;
  }

  /**
   * Stores one message with this broker's replication and answers what the real broker would.
   * @param input - the record to store
   */
  async putMessage(input: PutMessageInput): Promise<PutOutcome> {
    const now = this.putMessageNow(input);
    if (now !== undefined) return now;
    if (this.dledger) return this.dledger.put(input);
    const result = (this._store as MessageStore).putMessage(input);
    this.pullHold.notifyArrival(input.topic, input.queueId);
    // Only a SYNC_MASTER with slaves gets here (see putMessageNow).
    return { ok: true, result, status: await this.waitSlaves(result.physOffset + result.size) };
  }

  /**
   * {@link MockBroker.putMessage} without a promise, when the answer needs no waiting (no DLedger quorum, no slave
   * acks to wait for): the send processor stores a batch's messages in one synchronous loop, as the real broker
   * appends a batch in one go. Undefined (nothing stored) when the put must go through `putMessage`.
   * @param input - the record to store
   */
  putMessageNow(input: PutMessageInput): PutOutcome | undefined {
    if (!this._store || !this.server) return { ok: false, ...rejectSendOnSlave('4.9', false) };
    if (this._role === 'SLAVE') return { ok: false, ...rejectSendOnSlave(this.brokerVersion, this.dledger !== undefined) };
    if (this.dledger || (this._role === 'SYNC_MASTER' && this.slaves.length > 0)) return undefined;
    const result = this._store.putMessage(input);
    this.pullHold.notifyArrival(input.topic, input.queueId);
    let status: SendStatus = 'SEND_OK';
    if (this.slaves.length > 0) for (const s of this.slaves) s.kick();
    else if (this._role === 'SYNC_MASTER') status = 'SLAVE_NOT_AVAILABLE';
    return { ok: true, result, status };
  }

  private async waitSlaves(until: number): Promise<SendStatus> {
    const live = this.slaves.filter((s) => s.slaveAlive());
    if (live.length === 0) return 'SLAVE_NOT_AVAILABLE';
    const ok = await Promise.all(live.map((s) => s.waitFor(until, scaled(this.options.slaveAckTimeoutMs ?? 5000, this.timeScale))));
    return ok.every(Boolean) ? 'SEND_OK' : 'FLUSH_SLAVE_TIMEOUT';
  }
}
