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
