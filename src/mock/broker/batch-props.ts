/**
 * Properties of the messages of a SEND_BATCH_MESSAGE as the mock stores them, built on the text the producer sent.
 * The real broker (MessageExtEncoder#encodeBatch, 4.9.x / 5.x) copies each inner message's properties bytes and
 * appends the batch request's own properties (which carry CLUSTER) after a separator when needed; it never splits
 * them into a map. Doing the same here spares a split, a map and a re-encode per message.
 * @module
 */
import { createUniqId } from '../../message/ids.js';
import { PropsText } from '../store/record.js';

const SEP = '\u0002';

/** `a` then `b`, with a pair separator between them when `a` does not end with one. */
function join(a: string, b: string): string {
  if (a === '' || b === '') return a + b;
  return a.charCodeAt(a.length - 1) === 2 ? a + b : a + SEP + b;
}

/** True when properties text asks for delayed or timed delivery (DELAY, TIMER_*): such a message must be parked. */
function parks(text: string): boolean {
  return text.includes('DELAY\u0001') || text.includes('TIMER_');
}

/** What every message of one batch request gets appended, worked out once per request. */
export class BatchPropertiesSuffix {
  /** The request's properties then CLUSTER (the last pair of a name wins for every reader). */
  private readonly tail: string;
  /** The request's properties name a UNIQ_KEY (it then wins over each message's own). */
  private readonly uniq: boolean;
  /** The request's properties ask for parking: every message takes the map path. */
  private readonly parked: boolean;

  /**
   * @param batchText - the request's properties text ('' when the store does not append it: DLedger)
   * @param cluster - the broker's cluster name
   */
  constructor(batchText: string, cluster: string) {
    this.tail = join(batchText, `CLUSTER\u0001${cluster}${SEP}`);
    this.uniq = new PropsText(batchText).get('UNIQ_KEY') !== undefined;
    this.parked = parks(batchText);
  }

  /**
   * The stored properties text of one batch message: its own text, a UNIQ_KEY when it has none (the mock names
   * every message), then the request's text and CLUSTER. Undefined when the message asks for delayed or timed
   * delivery: those go through the map path, which parks them.
   * @param itemText - the inner message's properties text, as sent
   */
  textFor(itemText: string): string | undefined {
    if (this.parked || parks(itemText)) return undefined;
    const own = this.uniq || new PropsText(itemText).get('UNIQ_KEY') !== undefined ? itemText : join(itemText, `UNIQ_KEY\u0001${createUniqId()}${SEP}`);
    return join(own, this.tail);
  }
}
