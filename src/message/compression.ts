/**
 * Body compression (common/.../compression/*). Java's producer compresses with `java.util.zip.Deflater`
 * (zlib-wrapped, RFC 1950) and, since 4.9.4, marks it with sysFlag COMPRESSED | ZLIB (0x301). Older writers
 * set only COMPRESSED (type 0), which also means zlib. ZSTD works only when this Node has `zstdDecompressSync`
 * (Node >= 22.15); LZ4 needs a dependency we do not take, so it is reported, not guessed at.
 * @module
 */
import * as zlib from 'node:zlib';
import { CompressionError } from '../errors.js';
import { MessageSysFlag } from './constants.js';

/** Result of {@link compressBody}. */
export interface CompressedBody {
  /** The compressed bytes. */
  body: Buffer;
  /** Bits to OR into the message sysFlag: COMPRESSED | ZLIB type = 0x301. */
  sysFlagBits: number;
}

/** Options of {@link decompressBody}. */
export interface DecompressOptions {
  /**
   * Largest decompressed size accepted; a bigger result is a CompressionError (guards against zip bombs).
   * @default 67108864 (64 MiB; Java's default max body is 4 MiB before compression)
   */
  maxOutputLength?: number;
}

/** Default cap on a decompressed body: 64 MiB. */
export const DEFAULT_MAX_DECOMPRESSED_LENGTH = 64 * 1024 * 1024;

/**
 * Compresses a body the way Java's ZlibCompressor does (zlib stream, level 0..9).
 * @param level - zlib level. @default 5 (`rocketmq.message.compressLevel`)
 */
export function compressBody(body: Uint8Array, level = 5): CompressedBody {
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new CompressionError(`zlib level must be an integer 0..9, got ${String(level)}`);
  }
  try {
    return {
      body: zlib.deflateSync(body, { level }),
      sysFlagBits: MessageSysFlag.COMPRESSED | MessageSysFlag.COMPRESSION_ZLIB_TYPE,
    };
  } catch (err) {
    throw new CompressionError(`zlib compression failed: ${(err as Error).message}`, { cause: err });
  }
}

type ZstdDecompress = (buf: Uint8Array, options?: { maxOutputLength?: number }) => Buffer;
const zstdDecompressSync: ZstdDecompress | undefined = (
  zlib as unknown as { zstdDecompressSync?: ZstdDecompress }
).zstdDecompressSync;

/** True when this Node can decompress ZSTD bodies. */
export const ZSTD_SUPPORTED: boolean = zstdDecompressSync !== undefined;

/**
 * Decompresses a body according to the compression type bits of `sysFlag` (mask 0x700): 0 or ZLIB → inflate,
 * ZSTD → native zstd if available, LZ4 → CompressionError. The caller decides whether the COMPRESSED bit is set.
 * @throws CompressionError for corrupt data, an unsupported codec or an oversized result.
 */
export function decompressBody(body: Uint8Array, sysFlag: number, options: DecompressOptions = {}): Buffer {
  const maxOutputLength = options.maxOutputLength ?? DEFAULT_MAX_DECOMPRESSED_LENGTH;
  const type = sysFlag & MessageSysFlag.COMPRESSION_TYPE_MASK;
  let codec: string;
  let run: () => Buffer;
  switch (type) {
    case 0:
    case MessageSysFlag.COMPRESSION_ZLIB_TYPE:
      codec = 'ZLIB';
      run = () => zlib.inflateSync(body, { maxOutputLength });
      break;
    case MessageSysFlag.COMPRESSION_ZSTD_TYPE:
      codec = 'ZSTD';
      if (zstdDecompressSync === undefined) {
        throw new CompressionError(`ZSTD-compressed body, but Node ${process.version} has no zstd support`);
      }
      run = () => zstdDecompressSync(body, { maxOutputLength });
      break;
    case MessageSysFlag.COMPRESSION_LZ4_TYPE:
      throw new CompressionError('LZ4-compressed body: LZ4 is not supported by this client');
    default:
      throw new CompressionError(`unknown compression type 0x${type.toString(16)} in sysFlag`);
  }
  try {
    return run();
  } catch (err) {
    throw new CompressionError(`${codec} decompression failed: ${(err as Error).message}`, { cause: err });
  }
}
