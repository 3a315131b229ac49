/**
 * `MockNameServer`: an in-process RocketMQ nameserver on a real TCP port. It serves the requests clients and brokers
 * send (REGISTER/UNREGISTER_BROKER, GET_ROUTEINFO_BY_TOPIC, GET_BROKER_CLUSTER_INFO, KV config, topic list) with the
 * tables of {@link RouteInfoManager}, expires brokers whose connection closes or that stop registering, and answers
 * routes in the legacy fastjson form or standard JSON depending on the caller's version, like a 4.9.4+ nameserver.
 * @module
 */
import { createResponse, type RemotingCommand } from '../../remoting/command.js';
import { RemotingServer } from '../../remoting/server.js';
import { createAclInterceptor } from '../acl/interceptor.js';
import { AclValidator, type MockAclConfig } from '../acl/validator.js';
import type { MockTlsOptions } from '../broker/options.js';
import type { RemotingConnection } from '../../remoting/connection.js';
import { RequestCode } from '../../protocol/request-codes.js';
import { ResponseCode } from '../../protocol/response-codes.js';
import { encodeClusterInfo } from '../../protocol/route.js';
import { writeFastJson } from '../../protocol/fastjson.js';
import { decodeRegisterBrokerRequest, encodeRegisterBrokerResponse } from '../../protocol/register-broker.js';
import { decodeRouteInfoRequest, encodeRouteInfoResponse } from '../../protocol/route-info.js';
import { decodeGetKvConfigRequest, encodeGetKvConfigResponse } from '../../protocol/kv-config.js';
import { decodeUnregisterBrokerRequest } from '../../protocol/unregister-broker.js';
import { guarded, reqStr } from '../headers.js';
import { scaled, TimerSet } from '../timing.js';
import { RouteInfoManager } from './route-info.js';

/** Options of {@link MockNameServer}. */
export interface MockNameServerOptions {
  /**
   * Interface to listen on.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Port to listen on; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * Multiplier of every period (broker expiry 120 s, scan every 5 s).
   * @default 1
   */
  timeScale?: number;
  /**
   * Enforce ACL 1.0 on client requests (brokers' registration codes are exempt, see `MockAclConfig.exemptCodes`).
   * @default undefined (no ACL)
   */
  acl?: MockAclConfig;
  /**
   * Serve TLS with this key and certificate (`ca` is not used by the nameserver itself).
   * @default undefined (plain TCP)
   */
  tls?: MockTlsOptions;
}

const BROKER_EXPIRE_MS = 120_000;
const SCAN_INTERVAL_MS = 5_000;

/** An in-process nameserver. */
export class MockNameServer {
  /** The route tables (exposed for tests and the cluster). */
  readonly routes = new RouteInfoManager();
  private readonly host: string;
  private readonly requestedPort: number;
  private readonly timeScale: number;
  private readonly kv = new Map<string, Map<string, string>>();
  private readonly timers = new TimerSet();
  private server: RemotingServer | undefined;
  private boundPort = 0;
  private readonly acl: AclValidator | undefined;
  private readonly tls: MockTlsOptions | undefined;

  /**
   * @param options - listen address, time scale, ACL and TLS
   * @throws ValidationError for a malformed ACL config
   */
  constructor(options: MockNameServerOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.requestedPort = options.port ?? 0;
    this.timeScale = options.timeScale ?? 1;
    this.acl = options.acl ? new AclValidator(options.acl) : undefined;
    this.tls = options.tls;
  }

  /** The bound port (0 before {@link MockNameServer.start}). */
  get port(): number {
    return this.boundPort;
  }

  /** `host:port` clients should use. */
  get addr(): string {
    return `${this.host}:${this.boundPort}`;
  }

  /** Starts listening and the expiry scan. */
  async start(): Promise<this> {
    if (this.server) return this;
    const tls = this.tls;
    const server = new RemotingServer({ host: this.host, port: this.requestedPort, ...(tls ? { tls: { key: tls.key, cert: tls.cert } } : {}) });
    if (this.acl) server.setInterceptor(createAclInterceptor(this.acl));
    const on = (code: number, fn: (req: RemotingCommand, conn: RemotingConnection) => RemotingCommand | undefined): void => {
      server.handle(code, guarded<RemotingConnection>(fn));
    };
    on(RequestCode.REGISTER_BROKER, (req, conn) => this.registerBroker(req, conn));
    on(RequestCode.UNREGISTER_BROKER, (req) => this.unregisterBroker(req));
    on(RequestCode.GET_ROUTEINFO_BY_TOPIC, (req) => this.getRoute(req));
    on(RequestCode.GET_BROKER_CLUSTER_INFO, (req) =>
      createResponse(req, ResponseCode.SUCCESS, undefined, undefined, encodeClusterInfo(this.routes.clusterInfo())),
    );
    on(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, (req) =>
      createResponse(req, ResponseCode.SUCCESS, undefined, undefined, Buffer.from(writeFastJson({ topicList: this.routes.topicList() }))),
    );
    on(RequestCode.PUT_KV_CONFIG, (req) => this.putKv(req));
    on(RequestCode.GET_KV_CONFIG, (req) => this.getKv(req));
    on(RequestCode.DELETE_KV_CONFIG, (req) => this.deleteKv(req));
    this.boundPort = await server.listen();
    this.server = server;
    this.timers.every(scaled(SCAN_INTERVAL_MS, this.timeScale), () => this.scan());
    return this;
  }

  /** Stops listening, closes every connection and timer. */
  async close(): Promise<void> {
    this.timers.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await server.close();
  }

  /** Runs one expiry scan now (the periodic scan calls this). */
  scan(now = Date.now()): void {
    for (const e of this.routes.scanNotActive(now)) {
      // The real nameserver closes the expired broker's channel; its loss then has nothing more to remove.
      (e.channel as RemotingConnection | undefined)?.close();
    }
  }

  private registerBroker(req: RemotingCommand, conn: RemotingConnection): RemotingCommand {
    const { header, body, crcMatches } = decodeRegisterBrokerRequest(req);
    if (!crcMatches) return createResponse(req, ResponseCode.SYSTEM_ERROR, 'crc32 not match');
    const wrapper = body.topicConfigSerializeWrapper;
    const firstTime = !this.routes.isLive(header.brokerAddr);
    const result = this.routes.register(
      {
        clusterName: header.clusterName,
        brokerAddr: header.brokerAddr,
        brokerName: header.brokerName,
        brokerId: header.brokerId,
        haServerAddr: header.haServerAddr,
        topics: Object.values(wrapper.topicConfigTable),
        dataVersion: JSON.stringify(wrapper.dataVersion),
        timeoutMs: header.heartbeatTimeoutMillis ?? scaled(BROKER_EXPIRE_MS, this.timeScale),
        channel: conn,
      },
      Date.now(),
    );
    if (firstTime) {
      conn.on('close', () => {
        this.routes.onChannelClosed(conn);
      });
    }
    return encodeRegisterBrokerResponse(req, result);
  }

  private unregisterBroker(req: RemotingCommand): RemotingCommand {
    const { header } = decodeUnregisterBrokerRequest(req);
    this.routes.unregister(header.clusterName, header.brokerAddr, header.brokerName, header.brokerId);
    return createResponse(req, ResponseCode.SUCCESS);
  }

  private getRoute(req: RemotingCommand): RemotingCommand {
    const { header } = decodeRouteInfoRequest(req);
    return encodeRouteInfoResponse(req, this.routes.pickupTopicRouteData(header.topic));
  }

  private putKv(req: RemotingCommand): RemotingCommand {
    const ns = reqStr(req, 'namespace');
    let table = this.kv.get(ns);
    if (!table) this.kv.set(ns, (table = new Map()));
    table.set(reqStr(req, 'key'), reqStr(req, 'value'));
    return createResponse(req, ResponseCode.SUCCESS);
  }

  private getKv(req: RemotingCommand): RemotingCommand {
    const { header } = decodeGetKvConfigRequest(req);
    return encodeGetKvConfigResponse(req, this.kv.get(header.namespace)?.get(header.key));
  }

  private deleteKv(req: RemotingCommand): RemotingCommand {
    this.kv.get(reqStr(req, 'namespace'))?.delete(reqStr(req, 'key'));
    return createResponse(req, ResponseCode.SUCCESS);
  }
}
