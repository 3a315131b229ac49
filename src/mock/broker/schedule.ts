/**
 * Delayed delivery (Java `ScheduleMessageService`, plus 5.x timer messages mapped onto the same mechanism): a
 * delayed message is parked in SCHEDULE_TOPIC_XXXX, queue `level - 1` (timer messages: queue 18), with REAL_TOPIC and
 * REAL_QID; once due it is stored again under its real topic and queue. Delays are the 18 levels
 * "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h" times `timeScale`. Progress per queue is kept in
 * `config/delayOffset.json`. Only a master runs it.
 * @module
 */
import { decodeStoredMessage } from '../../message/stored.js';
import { DELAY_LEVEL_MS } from '../store/record.js';
import { scaled, TimerSet } from '../timing.js';
import type { MockBroker } from './broker.js';
import { SCHEDULE_QUEUE_NUMS, SCHEDULE_TOPIC } from './topics.js';

const TICK_MS = 100;
/** Queue of SCHEDULE_TOPIC_XXXX used for 5.x timer messages. */
export const TIMER_QUEUE_ID = 18;
/** Property holding a parked timer message's (scaled) due time. */
export const TIMER_OUT_MS = 'TIMER_OUT_MS';
const MAX_PER_TICK = 256;

/** The delay service of one broker. */
export class ScheduleService {
  private readonly timers = new TimerSet();
  private running = false;
  private busy = false;
  /** Timer queue offsets delivered above its cursor (timer messages are not due in queue order). */
  private readonly deliveredTimer = new Set<number>();

  /** @param broker - the broker whose store it reads and writes */
  constructor(private readonly broker: MockBroker) {}

  /** Starts ticking (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.timers.every(Math.max(5, scaled(TICK_MS, this.broker.timeScale)), () => this.tick());
  }

  /** Stops ticking. */
  stop(): void {
    this.running = false;
    this.timers.clear();
  }

  /** Scaled delay of a level (1-based, clamped to 1..18). */
  delayOfLevel(level: number): number {
    const l = Math.min(Math.max(1, Math.floor(level)), DELAY_LEVEL_MS.length);
    return scaled(DELAY_LEVEL_MS[l - 1], this.broker.timeScale);
  }

  /** One pass over every schedule queue: re-puts what is due. */
  async tick(now = Date.now()): Promise<void> {
    if (!this.running || this.busy || !this.broker.running || this.broker.role === 'SLAVE') return;
    this.busy = true;
    try {
      for (let q = 0; q < SCHEDULE_QUEUE_NUMS; q++) await this.deliverQueue(q, now);
    } finally {
      this.busy = false;
    }
  }

  private async deliverQueue(queueId: number, now: number): Promise<void> {
    const store = this.broker.store;
    const level = queueId + 1;
    let cursor = store.config.delayOffsets.get(level) ?? store.getMinOffset(SCHEDULE_TOPIC, queueId);
    const max = store.getMaxOffset(SCHEDULE_TOPIC, queueId);
    const timer = queueId === TIMER_QUEUE_ID;
    for (let off = cursor, n = 0; off < max && n < MAX_PER_TICK; off++, n++) {
      if (timer && this.deliveredTimer.has(off)) continue;
      const unit = store.getUnit(SCHEDULE_TOPIC, queueId, off);
      const bytes = unit && store.viewByOffset(unit.physOffset);
      if (!bytes) break;
      const msg = decodeStoredMessage(bytes, 0, { decompress: false }).message;
      const due = timer
        ? Number(msg.properties[TIMER_OUT_MS] ?? 0)
        : msg.storeTimestamp + this.delayOfLevel(Number(msg.properties.DELAY ?? level));
      if (due > now) {
        if (timer) continue;
        break;
      }
      const props = { ...msg.properties };
      delete props.DELAY;
      const realTopic = props.REAL_TOPIC;
      const realQid = Number(props.REAL_QID);
      if (realTopic !== undefined && Number.isInteger(realQid)) {
        const out = await this.broker.putMessage({
          topic: realTopic,
          queueId: realQid,
          body: msg.body,
          flag: msg.flag,
          properties: props,
          sysFlag: msg.sysFlag,
          bornTimestamp: msg.bornTimestamp,
          bornHost: msg.bornHost,
          reconsumeTimes: msg.reconsumeTimes,
          preparedTransactionOffset: msg.preparedTransactionOffset,
        });
        // Not stored (lost mastership, no quorum): try again on a later tick.
        if (!out.ok) return;
      }
      if (timer) this.deliveredTimer.add(off);
      else cursor = off + 1;
      if (timer) while (this.deliveredTimer.delete(cursor)) cursor++;
      store.config.putDelayOffset(level, cursor);
    }
  }
}
