/**
 * The client id brokers use to tell clients apart (heartbeats, consumer lists, rebalance), built as Java's
 * `ClientConfig.buildMQClientId()` does: `clientIP@instanceName[@unitName]`, where the instance name "DEFAULT" is
 * replaced by `<pid>#<nanoTime>` so two processes (or two clients in one process) on one host never collide.
 * @module
 */

import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/** The instance name Java treats as "not set". */
export const DEFAULT_INSTANCE_NAME = 'DEFAULT';

/** Options of {@link buildClientId}. */
export interface ClientIdOptions {
  /** Instance name; "DEFAULT" becomes `<pid>#<hrtime ns>`. @default 'DEFAULT' */
  instanceName?: string;
  /** Unit name, appended as `@unitName` when set. @default none */
  unitName?: string;
  /** Client IP. @default the first non-loopback IPv4 address ({@link localIPv4}) */
  clientIP?: string;
}

/**
 * The first non-internal IPv4 address of this host, 127.0.0.1 if there is none.
 * @param interfaces - interface table @default os.networkInterfaces()
 */
export function localIPv4(
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = safeInterfaces(),
): string {
  for (const name of Object.keys(interfaces)) {
    for (const info of interfaces[name] ?? []) {
      // Node 18.0–18.3 reported family as a number; accept both.
      const v4 = info.family === 'IPv4' || (info.family as unknown) === 4;
      if (v4 && !info.internal && !info.address.startsWith('127.')) return info.address;
    }
  }
  return '127.0.0.1';
}

/**
 * The instance name as Java changes it: "DEFAULT" → `<pid>#<nanoseconds>`; anything else is kept.
 * @param instanceName - configured instance name
 */
export function resolveInstanceName(instanceName: string = DEFAULT_INSTANCE_NAME): string {
  if (instanceName !== DEFAULT_INSTANCE_NAME) return instanceName;
  return `${process.pid}#${process.hrtime.bigint()}`;
}

/**
 * Builds the client id `clientIP@instanceName[@unitName]`.
 * @param options - instance name, unit name, IP
 */
export function buildClientId(options: ClientIdOptions = {}): string {
  const ip = options.clientIP ?? localIPv4();
  const id = `${ip}@${resolveInstanceName(options.instanceName)}`;
  return options.unitName ? `${id}@${options.unitName}` : id;
}

function safeInterfaces(): NodeJS.Dict<NetworkInterfaceInfo[]> {
  try {
    return networkInterfaces();
  } catch {
    // Some sandboxes deny the syscall; the loopback fallback still yields a valid id.
    return {};
  }
}
