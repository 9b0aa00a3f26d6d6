// This module is browser compatible.
// PEM armour (RFC 7468) as the console and OpenSSL write it, and the bare
// base64 body some apps store instead. Messages name the argument and the
// block label, never any of the key's text.

import { decodeBase64 } from "../base64.ts";

/** The longest key text read, in characters; real ones are a few hundred. */
export const MAX_KEY_TEXT = 16384;

/** One decoded block; `label` is `""` for a bare base64 body. */
export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

/**
 * The blocks of a PEM text, in order, or the one unlabelled block of a bare
 * base64 body. Text around the blocks is ignored, as OpenSSL does.
 *
 * @throws {TypeError} For a value that is not a string, is empty, too long,
 * unterminated, encrypted or not base64.
 */
export function readPem(text: unknown, name: string): PemBlock[] {
  if (typeof text !== "string") throw new TypeError(`${name} must be a string`);
  if (text.trim() === "") throw new TypeError(`${name} must not be empty`);
  if (text.length > MAX_KEY_TEXT) {
    throw new TypeError(`${name} is longer than ${MAX_KEY_TEXT} characters`);
  }
  if (!text.includes("-----")) {
    const der = decodeBase64(text.replace(/\s+/g, ""));
    if (der === null) throw new TypeError(`${name} is neither PEM nor a base64 key body`);
    return [{ label: "", der }];
  }
  const blocks: PemBlock[] = [];
  for (const [, label, body, endLabel] of text.matchAll(BLOCK)) {
    if (label !== endLabel) {
      throw new TypeError(`${name}: BEGIN ${label} is closed by END ${endLabel}`);
    }
    if (body.includes(":")) {
      throw new TypeError(
        `${name}: the ${label} block is encrypted (it has PEM headers); ` +
          "decrypt it first, e.g. with `openssl ec -in key.pem -out plain.pem`",
      );
    }
    const der = decodeBase64(body.replace(/\s+/g, ""));
    if (der === null) throw new TypeError(`${name}: the ${label} block is not valid base64`);
    blocks.push({ label, der });
  }
  if (blocks.length === 0 || blocks.length !== text.split("-----BEGIN ").length - 1) {
    throw new TypeError(`${name} has an incomplete PEM block`);
  }
  return blocks;
}
