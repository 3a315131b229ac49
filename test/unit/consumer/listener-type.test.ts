import { describe, expect, it } from 'vitest';
import { PushConsumer } from '../../../src/consumer/index.js';

describe('registerMessageListener typing', () => {
  it('accepts the issue contract: an async arrow returning a bare status literal', () => {
    const c = new PushConsumer({ namesrvAddr: '127.0.0.1:9876', consumerGroup: 'G' });
    // This line is the check: it must compile under strict TypeScript (npm run typecheck covers test/).
    c.registerMessageListener(async () => 'CONSUME_SUCCESS');
    c.registerMessageListener(async () => 'RECONSUME_LATER', { orderly: false });
    c.registerMessageListener(async () => {});
    expect(c).toBeInstanceOf(PushConsumer);
  });
});
