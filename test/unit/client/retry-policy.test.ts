import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AbortError,
  BrokerResponseError,
  ClientStateError,
  ConnectionClosedError,
  ConnectionError,
  NoNameServerError,
  NoRouteError,
  ProtocolError,
  RequestTimeoutError,
  ValidationError,
} from '../../../src/errors.js';
import { errorFromResponse } from '../../../src/protocol/response-codes.js';
import { createResponse, createRequest } from '../../../src/remoting/command.js';
import { backoffDelay, decideRetry, type RetryInput } from '../../../src/client/retry-policy.js';

function response(code: number, remark = 'x'): BrokerResponseError {
  return errorFromResponse(createResponse(createRequest(310), code, remark), { brokerAddr: '127.0.0.1:10911' });
}

const base: Omit<RetryInput, 'error'> = {
  attempt: 1,
  elapsedMs: 10,
  budgetMs: 3000,
  maxAttempts: 3,
  anyGroupAvailable: true,
};

describe('decideRetry: error classes', () => {
  const table: [string, unknown, { retry: boolean; refreshRoute: boolean; isolateBroker: boolean; reason: string }][] = [
    ['SERVICE_NOT_AVAILABLE 14', response(14), { retry: true, refreshRoute: true, isolateBroker: true, reason: 'retriable-response' }],
    ['SYSTEM_ERROR 1', response(1), { retry: true, refreshRoute: true, isolateBroker: true, reason: 'retriable-response' }],
    ['SYSTEM_BUSY 2', response(2), { retry: true, refreshRoute: true, isolateBroker: true, reason: 'retriable-response' }],
    ['TOPIC_NOT_EXIST 17', response(17), { retry: true, refreshRoute: true, isolateBroker: true, reason: 'retriable-response' }],
    ['MESSAGE_ILLEGAL 13', response(13), { retry: false, refreshRoute: false, isolateBroker: false, reason: 'non-retriable-response' }],
    ['NO_PERMISSION 16', response(16), { retry: false, refreshRoute: false, isolateBroker: false, reason: 'non-retriable-response' }],
    ['unknown code 9999', response(9999), { retry: false, refreshRoute: false, isolateBroker: false, reason: 'non-retriable-response' }],
    ['ConnectionError', new ConnectionError('refused'), { retry: true, refreshRoute: true, isolateBroker: true, reason: 'connection-error' }],
    ['ConnectionClosedError', new ConnectionClosedError('closed'), { retry: true, refreshRoute: true, isolateBroker: true, reason: 'connection-error' }],
    ['RequestTimeoutError', new RequestTimeoutError('slow', 3000), { retry: true, refreshRoute: true, isolateBroker: true, reason: 'timeout' }],
    ['ProtocolError', new ProtocolError('bad bytes'), { retry: true, refreshRoute: false, isolateBroker: true, reason: 'protocol-error' }],
    ['NoRouteError', new NoRouteError('none'), { retry: true, refreshRoute: true, isolateBroker: false, reason: 'no-route' }],
    ['AbortError', new AbortError(), { retry: false, refreshRoute: false, isolateBroker: false, reason: 'aborted' }],
    ['ValidationError', new ValidationError('bad'), { retry: false, refreshRoute: false, isolateBroker: false, reason: 'non-retriable-error' }],
    ['ClientStateError', new ClientStateError('closed'), { retry: false, refreshRoute: false, isolateBroker: false, reason: 'non-retriable-error' }],
    ['NoNameServerError', new NoNameServerError('none'), { retry: false, refreshRoute: false, isolateBroker: false, reason: 'non-retriable-error' }],
    ['plain TypeError', new TypeError('oops'), { retry: false, refreshRoute: false, isolateBroker: false, reason: 'unknown-error' }],
    ['a string', 'boom', { retry: false, refreshRoute: false, isolateBroker: false, reason: 'unknown-error' }],
  ];
  for (const [name, error, want] of table) {
    it(name, () => {
      const d = decideRetry({ ...base, error });
      expect(d).toEqual({ ...want, delayMs: 0 });
    });
  }
});

describe('decideRetry: limits', () => {
  const err = new ConnectionError('refused');
  it('stops after maxAttempts but still reports side effects', () => {
    expect(decideRetry({ ...base, error: err, attempt: 2 }).retry).toBe(true);
    const d = decideRetry({ ...base, error: err, attempt: 3 });
    expect(d).toEqual({ retry: false, delayMs: 0, refreshRoute: true, isolateBroker: true, reason: 'attempts-exhausted' });
  });
  it('maxAttempts 1 never retries', () => {
    expect(decideRetry({ ...base, error: err, maxAttempts: 1 }).reason).toBe('attempts-exhausted');
  });
  it('budget edges: 1 ms left retries, 0 or negative does not', () => {
    expect(decideRetry({ ...base, error: err, elapsedMs: 2999 }).retry).toBe(true);
    expect(decideRetry({ ...base, error: err, elapsedMs: 3000 }).reason).toBe('budget-exhausted');
    expect(decideRetry({ ...base, error: err, elapsedMs: 5000 }).reason).toBe('budget-exhausted');
    expect(decideRetry({ ...base, error: err, budgetMs: 0, elapsedMs: 0 }).reason).toBe('budget-exhausted');
  });
  it('NaN inputs never retry', () => {
    expect(decideRetry({ ...base, error: err, elapsedMs: Number.NaN }).retry).toBe(false);
    expect(decideRetry({ ...base, error: err, attempt: Number.NaN }).retry).toBe(false);
  });
  it('no delay while some group is available', () => {
    expect(decideRetry({ ...base, error: err, random: () => 0.99 }).delayMs).toBe(0);
  });
  it('jittered delay when no group is available', () => {
    const d1 = decideRetry({ ...base, error: err, anyGroupAvailable: false, random: () => 0 });
    expect(d1).toMatchObject({ retry: true, delayMs: 50 });
    const d2 = decideRetry({ ...base, attempt: 2, error: err, anyGroupAvailable: false, random: () => 0.5 });
    expect(d2).toMatchObject({ retry: true, delayMs: 150 });
  });
  it('a delay that reaches the deadline means no retry', () => {
    const d = decideRetry({ ...base, error: err, elapsedMs: 2960, anyGroupAvailable: false, random: () => 0.5 });
    expect(d).toMatchObject({ retry: false, reason: 'budget-exhausted', delayMs: 0 });
    const ok = decideRetry({ ...base, error: err, elapsedMs: 2920, anyGroupAvailable: false, random: () => 0.5 });
    expect(ok).toMatchObject({ retry: true, delayMs: 75 });
  });
});

describe('backoffDelay', () => {
  it('doubles, caps and stays in the upper half', () => {
    expect(backoffDelay(1, () => 0)).toBe(50);
    expect(backoffDelay(1, () => 0.999999)).toBe(99);
    expect(backoffDelay(3, () => 0)).toBe(200);
    expect(backoffDelay(30, () => 0)).toBe(1000);
    expect(backoffDelay(2, () => 0, { baseMs: 10, factor: 3, maxMs: 1000 })).toBe(15);
  });
  it('survives a broken random source', () => {
    expect(backoffDelay(1, () => Number.NaN)).toBe(50);
    expect(backoffDelay(1, () => 7)).toBe(99);
    expect(backoffDelay(1, () => -1)).toBe(50);
  });
  it('property: jitter bounds and never past the budget', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 5000 }),
        (attempt, r, elapsed, budget) => {
          const raw = Math.min(2000, 100 * 2 ** (attempt - 1));
          const d = backoffDelay(attempt, () => r);
          expect(d).toBeGreaterThanOrEqual(Math.floor(raw / 2));
          expect(d).toBeLessThanOrEqual(raw);
          const dec = decideRetry({
            attempt,
            elapsedMs: elapsed,
            budgetMs: budget,
            maxAttempts: 100,
            error: new RequestTimeoutError('t', 1),
            anyGroupAvailable: false,
            random: () => r,
          });
          if (dec.retry) expect(elapsed + dec.delayMs).toBeLessThan(budget);
          else expect(dec.delayMs).toBe(0);
        },
      ),
    );
  });
});
