// This module is browser compatible.
// The little of ASN.1 DER that EC keys and ECDSA signatures need: reading
// tag-length-value elements strictly (single-byte tags, minimal definite
// lengths, no bytes past the end), writing them, and object identifiers.
// Readers return null on anything malformed; callers say what was wrong.

/** The DER tags used here. */
export const Tag = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  SEQUENCE: 0x30,
  /** `[0]`, constructed: SEC1's parameters, PKCS#8's attributes. */
  CONTEXT_0: 0xa0,
  /** `[1]`, constructed: SEC1's and PKCS#8's public key. */
  CONTEXT_1: 0xa1,
} as const;

/** A cursor over a run of DER elements. */
export class DerReader {
  readonly #bytes: Uint8Array;
  #pos = 0;

  /** Reads the elements of `bytes`, in order. */
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** True when every byte has been read. */
  get done(): boolean {
    return this.#pos === this.#bytes.length;
  }

  /** The tag of the next element, or undefined at the end. */
  peek(): number | undefined {
    return this.done ? undefined : this.#bytes[this.#pos];
  }

  /**
   * The contents of the next element if its tag is `tag`, else null (and
   * the cursor does not move). Null too when the element is malformed.
   */
  read(tag: number): Uint8Array | null {
    const b = this.#bytes;
    let p = this.#pos;
    if (p + 2 > b.length || b[p] !== tag) return null;
    let length = b[p + 1];
    p += 2;
    if (length & 0x80) {
      // Long form: 1 or 2 length bytes, minimal, never indefinite.
      const count = length & 0x7f;
      if (count < 1 || count > 2 || p + count > b.length || b[p] === 0) return null;
      length = count === 1 ? b[p] : (b[p] << 8) | b[p + 1];
      if (length < (count === 1 ? 0x80 : 0x100)) return null;
      p += count;
    }
    if (p + length > b.length) return null;
    this.#pos = p + length;
    return b.subarray(p, p + length);
  }

  /** The unread bytes, whole elements or not; the cursor moves to the end. */
  rest(): Uint8Array {
    const rest = this.#bytes.subarray(this.#pos);
    this.#pos = this.#bytes.length;
    return rest;
  }
}

/** The contents of `bytes` when it is exactly one element with tag `tag`. */
export function readOnly(bytes: Uint8Array, tag: number): Uint8Array | null {
  const reader = new DerReader(bytes);
  const value = reader.read(tag);
  return value !== null && reader.done ? value : null;
}

/** One DER element. */
export function encodeDer(tag: number, contents: Uint8Array): Uint8Array {
  const n = contents.length;
  if (n > 0xffff) throw new RangeError("DER element too long");
  const head = n < 0x80 ? [tag, n] : n < 0x100 ? [tag, 0x81, n] : [tag, 0x82, n >> 8, n & 255];
  const out = new Uint8Array(head.length + n);
  out.set(head);
  out.set(contents, head.length);
  return out;
}

/**
 * The dotted text of an object identifier's contents, e.g. `1.3.132.0.10`,
 * or null when they are not a complete, minimally encoded identifier.
 */
export function oidText(contents: Uint8Array): string | null {
  if (contents.length === 0 || contents[contents.length - 1] & 0x80) return null;
  const arcs: number[] = [];
  let value = 0;
  let start = true;
  for (const byte of contents) {
    if (start && byte === 0x80) return null; // a leading zero group
    value = value * 128 + (byte & 0x7f);
    start = !(byte & 0x80);
    if (!start) continue;
    if (arcs.length > 0) arcs.push(value);
    else if (value < 80) arcs.push(Math.floor(value / 40), value % 40);
    else arcs.push(2, value - 80);
    value = 0;
  }
  return arcs.join(".");
}
