// This module is browser compatible.
// Standard base64 (RFC 4648 section 4) and the ticket's variant of it, which
// swaps `+ / =` for `* - _`. Decoding is strict: a character outside the
// alphabet, a misplaced pad or non-zero trailing bits make it return null,
// so every accepted text has exactly one byte string behind it.

const STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const TICKET = STANDARD.slice(0, 62) + "*-";

interface Alphabet {
  /** Character code of each 6-bit value. */
  codes: Uint8Array;
  /** Character code of the pad. */
  pad: number;
  /** Byte to 6-bit value, -1 outside the alphabet. */
  values: Int8Array;
}

function alphabet(chars: string, pad: string): Alphabet {
  const codes = Uint8Array.from(chars, (c) => c.charCodeAt(0));
  const values = new Int8Array(256).fill(-1);
  for (let i = 0; i < 64; i++) values[codes[i]] = i;
  return { codes, pad: pad.charCodeAt(0), values };
}

const standard = alphabet(STANDARD, "=");
const ticket = alphabet(TICKET, "_");

// Text goes through bytes both ways: the encoder and decoder copy ASCII
// natively, where a charCodeAt loop is slow in some runtimes.
const asciiDecoder = new TextDecoder();
const asciiEncoder = new TextEncoder();
// Kept between calls, at a size that fits any ticket one issues (longer text
// gets a buffer for the call alone, so that nothing large is kept), and
// shared by every call here: the ticket's bytes, the one result that stays
// in it, are read before anything else runs.
const scratch = new Uint8Array(1024);

function encode(bytes: Uint8Array, length: number, a: Alphabet): string {
  const { codes, pad } = a;
  const whole = length - (length % 3);
  const size = ((length + 2) / 3 | 0) * 4;
  const out = size <= scratch.length ? scratch : new Uint8Array(size);
  let o = 0;
  let i = 0;
  for (; i < whole; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o] = codes[n >> 18];
    out[o + 1] = codes[(n >> 12) & 63];
    out[o + 2] = codes[(n >> 6) & 63];
    out[o + 3] = codes[n & 63];
    o += 4;
  }
  if (length > whole) {
    // One or two bytes left: their 8 or 16 bits, then pads for the rest.
    const two = length - whole === 2;
    const n = (bytes[i] << 16) | (two ? bytes[i + 1] << 8 : 0);
    out[o] = codes[n >> 18];
    out[o + 1] = codes[(n >> 12) & 63];
    out[o + 2] = two ? codes[(n >> 6) & 63] : pad;
    out[o + 3] = pad;
    o += 4;
  }
  return asciiDecoder.decode(out.subarray(0, o));
}

/**
 * Decodes `text`, returning fresh bytes, or with `reuse` a view of the kept
 * buffer, which the next call overwrites: in V8 a fresh typed array over 64 bytes
 * costs a microsecond or more.
 */
function decode(
  text: string,
  a: Alphabet,
  padOptional: boolean,
  reuse: boolean,
): Uint8Array<ArrayBuffer> | null {
  let end = text.length;
  const chars = end <= scratch.length ? scratch : new Uint8Array(end);
  const { read, written } = asciiEncoder.encodeInto(text, chars);
  if (read !== end || written !== end) return null; // not ASCII
  if (end % 4 === 0 && end > 0 && chars[end - 1] === a.pad) {
    end -= chars[end - 2] === a.pad ? 2 : 1;
  } else if (!padOptional && end % 4 !== 0) {
    return null;
  }
  const rest = end % 4;
  if (rest === 1) return null;
  const size = (end >> 2) * 3 + (rest === 0 ? 0 : rest - 1);
  // Reused, the bytes go over the text: each group of 4 is read before its 3 are written.
  const out = reuse ? chars.subarray(0, size) : new Uint8Array(size);
  const values = a.values;
  let o = 0;
  let i = 0;
  const whole = end - rest;
  for (; i < whole; i += 4) {
    const v0 = values[chars[i]], v1 = values[chars[i + 1]];
    const v2 = values[chars[i + 2]], v3 = values[chars[i + 3]];
    if ((v0 | v1 | v2 | v3) < 0) return null;
    const n = (v0 << 18) | (v1 << 12) | (v2 << 6) | v3;
    out[o++] = n >> 16; // a byte keeps the low 8 bits
    out[o++] = n >> 8;
    out[o++] = n;
  }
  if (rest) {
    // 2 or 3 characters for 1 or 2 bytes: the 4 or 2 bits over must be zero.
    const v0 = values[chars[i]], v1 = values[chars[i + 1]];
    const v2 = rest > 2 ? values[chars[i + 2]] : 0;
    const n = (v0 << 18) | (v1 << 12) | (v2 << 6);
    if ((v0 | v1 | v2) < 0 || n & (rest > 2 ? 0xff : 0xffff)) return null;
    out[o] = n >> 16;
    if (rest > 2) out[o + 1] = n >> 8;
  }
  return out;
}

/** Standard, padded base64 of `bytes`. */
export function encodeBase64(bytes: Uint8Array): string {
  return encode(bytes, bytes.length, standard);
}

/** Bytes of canonical, padded standard base64, or null. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> | null {
  return decode(text, standard, false, false);
}

/** The first `length` bytes in the ticket alphabet (`* - _` for `+ / =`), padding kept. */
export function encodeTicketBase64(bytes: Uint8Array, length: number = bytes.length): string {
  return encode(bytes, length, ticket);
}

/**
 * Bytes of canonical ticket-alphabet text, with or without padding, or null.
 * The bytes are a view that the next call of any function here overwrites:
 * read them at once.
 */
export function decodeTicketBase64(text: string): Uint8Array | null {
  return decode(text, ticket, true, true);
}
