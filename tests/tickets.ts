// Test helpers around tickets: the vectors, a standard inflater, and a way to
// rebuild a ticket from an edited document.

import v2 from "./vectors/v2.json" with { type: "json" };
import { fromHex } from "./assert.ts";

/** A v2 known-answer vector, as stored in vectors/v2.json. */
export interface V2Vector {
  name: string;
  kind: string;
  sdkAppId: number;
  secretKey: string;
  userId: string;
  time: number;
  expire: number;
  userSig: string;
  hmacBase64?: string;
  userBufHex?: string;
  roomId?: number;
  roomStr?: string;
  privilegeMap?: number;
  document?: Record<string, unknown>;
}

/** Every v2 vector. */
export const V2_VECTORS: V2Vector[] = v2.vectors as V2Vector[];

/** The vectors' userbuf bytes, when any. */
export function userBufOf(v: V2Vector): Uint8Array | undefined {
  return v.userBufHex === undefined ? undefined : fromHex(v.userBufHex);
}

/** The zlib bytes inside a ticket, through the platform's own base64. */
export function ticketBytes(ticket: string): Uint8Array {
  const std = ticket.replace(/\*/g, "+").replace(/-/g, "/").replace(/_/g, "=");
  return Uint8Array.from(atob(std), (c) => c.charCodeAt(0));
}

/** A ticket from zlib bytes, through the platform's own base64. */
export function ticketOf(zlib: Uint8Array): string {
  return btoa(String.fromCharCode(...zlib)).replace(/\+/g, "*").replace(/\//g, "-")
    .replace(/=/g, "_");
}

async function pipe(bytes: Uint8Array, stream: GenericTransformStream): Promise<Uint8Array> {
  const out = new Response(
    new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream),
  );
  return new Uint8Array(await out.arrayBuffer());
}

/**
 * The platform's standard zlib streams. Vercel's Edge Runtime has none; its
 * runner (run_all.mjs) lends the host's as `referenceZlib`, which only these
 * helpers read: the library never does.
 */
const zlib: {
  CompressionStream: typeof CompressionStream;
  DecompressionStream: typeof DecompressionStream;
} = (globalThis as { referenceZlib?: typeof zlib }).referenceZlib ?? globalThis;

/** Inflates zlib bytes with the platform's standard zlib. */
export function standardInflate(bytes: Uint8Array): Promise<Uint8Array> {
  return pipe(bytes, new zlib.DecompressionStream("deflate"));
}

/** Compresses bytes with the platform's standard zlib. */
export function standardDeflate(bytes: Uint8Array): Promise<Uint8Array> {
  return pipe(bytes, new zlib.CompressionStream("deflate"));
}

/** The JSON document of a ticket, read with standard zlib. */
export async function documentOf(ticket: string): Promise<Record<string, unknown>> {
  return JSON.parse(new TextDecoder().decode(await standardInflate(ticketBytes(ticket))));
}

/** A ticket holding `json` as its document (standard zlib). */
export async function ticketWithJson(json: string): Promise<string> {
  return ticketOf(await standardDeflate(new TextEncoder().encode(json)));
}

/** The fields of a PrivateMapKey record, its text as the bytes to write. */
export interface RawRecord {
  account: Uint8Array;
  sdkAppId: number;
  roomId?: number;
  expiresAt: number;
  privilegeMap: number;
  /** A string room: a version 1 record. */
  room?: Uint8Array;
}

/** A PrivateMapKey record written here independently, with no check of its text. */
export function rawRecord(r: RawRecord): Uint8Array {
  const head = r.room === undefined ? 0 : 1;
  const out = new Uint8Array(23 + r.account.length + (r.room ? 2 + r.room.length : 0));
  const view = new DataView(out.buffer);
  out[0] = head;
  view.setUint16(1, r.account.length);
  out.set(r.account, 3);
  let at = 3 + r.account.length;
  for (const n of [r.sdkAppId, r.roomId ?? 0, r.expiresAt, r.privilegeMap, 0]) {
    view.setUint32(at, n);
    at += 4;
  }
  if (r.room) {
    view.setUint16(at, r.room.length);
    out.set(r.room, at + 2);
  }
  return out;
}

/** Base64 HMAC-SHA256 of `content` under `key`, through the platform's Web Crypto. */
export async function hmac(content: string, key: string): Promise<string> {
  const k = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(content)),
  );
  return btoa(String.fromCharCode(...mac));
}

/**
 * A v2 ticket holding `doc` as JSON, signed over its own fields with `key`:
 * any identifier or userbuf, as another library might issue it.
 */
export async function signTicket(doc: Record<string, unknown>, key: string): Promise<string> {
  const content = `TLS.identifier:${doc["TLS.identifier"]}\nTLS.sdkappid:${doc["TLS.sdkappid"]}\n` +
    `TLS.time:${doc["TLS.time"]}\nTLS.expire:${doc["TLS.expire"]}\n` +
    (doc["TLS.userbuf"] === undefined ? "" : `TLS.userbuf:${doc["TLS.userbuf"]}\n`);
  return ticketWithJson(JSON.stringify({ ...doc, "TLS.sig": await hmac(content, key) }));
}
