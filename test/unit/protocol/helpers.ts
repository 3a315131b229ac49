/** Shared helpers for the protocol tests: fixtures and a real encode → bytes → decode trip through the frame codec. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RemotingCommand } from '../../../src/remoting/command.js';
import { decodeFrame, encodeFrame } from '../../../src/remoting/frame.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Reads `fixtures/<name>.hex` (whitespace ignored). */
export function readHexFixture(name: string): Buffer {
  const text = readFileSync(join(here, 'fixtures', `${name}.hex`), 'utf8').replace(/\s+/g, '');
  return Buffer.from(text, 'hex');
}

/** Sends a command through real bytes: encodeFrame, strip the length prefix, decodeFrame. */
export function wire(cmd: RemotingCommand, opaque = 1): RemotingCommand {
  const bytes = encodeFrame({ ...cmd, opaque: cmd.opaque || opaque });
  return decodeFrame(bytes.subarray(4));
}
