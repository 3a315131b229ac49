/**
 * The master/slave → DLedger upgrade (dledger.md §2 "Legacy commitlog after an upgrade"): the group is stopped, each
 * replica gets a new storePathRootDir for DLedger while storePathCommitLog stays on the legacy commitlog, `config/`
 * is copied from the old master, and the master's legacy commitlog is copied to every replica first (official guide).
 * Replicas whose legacy logs differ would compute different divides and fail DLedger's position checks, so the
 * upgrade refuses to start them. Consume queues and the index are rebuilt from the legacy log on first start.
 * @module
 */
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../errors.js';
import { CommitLog } from './store/commitlog.js';
import type { ClusterGroup, MockCluster } from './cluster.js';
import type { UpgradeOptions } from './cluster-options.js';

/** Reads a legacy commitlog's digest and the divide the DLedger log would start at. */
function inspectLegacy(dir: string, mappedFileSize: number | undefined): { digest: string; divide: number } {
  const log = new CommitLog({ dir, mappedFileSize });
  try {
    const starts = log.fileStarts;
    const divide = starts.length === 0 ? 0 : starts[starts.length - 1] + log.mappedFileSize;
    return { digest: log.digest(), divide };
  } finally {
    log.close();
  }
}

/**
 * Restarts a stopped master/slave group as a DLedger group.
 */
export async function upgradeGroup(cluster: MockCluster, g: ClusterGroup, options: UpgradeOptions): Promise<void> {
  const name = g.options.brokerName;
  const replicas = options.replicas ?? 3;
  const copy = options.copyLegacyCommitLog ?? true;
  const old = g.nodes;
  const master = old.find((n) => n.id === 'n0');
  if (g.mode !== 'master-slave' && g.mode !== 'single') throw new ValidationError(`${name} is already a ${g.mode} group`);
  if (!master) throw new ValidationError(`${name} has no master`);
  const oldRoot = (id: string): string => join(cluster.storeDir, name, id);
  const legacyDir = (id: string): string =>
    old.some((n) => n.id === id) ? join(oldRoot(id), 'commitlog') : join(cluster.storeDir, name, 'dledger', `${id}-commitlog`);
  const newRoot = (id: string): string => join(cluster.storeDir, name, 'dledger', id);
  const ids = Array.from({ length: replicas }, (_, i) => `n${i}`);

  for (const id of ids) {
    const dir = legacyDir(id);
    if (copy && id !== 'n0') {
      rmSync(dir, { recursive: true, force: true });
      cpSync(legacyDir('n0'), dir, { recursive: true });
    } else {
      mkdirSync(dir, { recursive: true });
    }
    const root = newRoot(id);
    mkdirSync(root, { recursive: true });
    const cfg = join(oldRoot('n0'), 'config');
    if (existsSync(cfg) && !existsSync(join(root, 'config'))) cpSync(cfg, join(root, 'config'), { recursive: true });
  }
  const seen = ids.map((id) => ({ id, ...inspectLegacy(legacyDir(id), cluster.options.mappedFileSize) }));
  const ref = seen[0];
  const bad = seen.filter((s) => s.digest !== ref.digest || s.divide !== ref.divide);
  if (bad.length > 0) {
    throw new ValidationError(
      `cannot start ${name} on DLedger: the legacy commitlog of ${bad.map((b) => b.id).join(', ')} differs from n0's ` +
        `(${bad.map((b) => `${b.id}: ${b.digest}`).join('; ')} vs n0: ${ref.digest}); copy the master's commitlog to every replica first`,
    );
  }
  g.nodes = [];
  g.mode = 'dledger';
  cluster.buildDLedgerNodes(
    g,
    replicas,
    (id) => cluster.brokerOptions(name, id, { storePathRootDir: newRoot(id), storePathCommitLog: legacyDir(id) }),
    ref.divide,
  );
  await Promise.all(g.nodes.map((n) => n.broker.start()));
}
