import fc from "fast-check";
import { decodeUserSig, TLSSigAPIv2, UserSigError } from "../mod.ts";
import { encodeTicketBase64 } from "../src/base64.ts";
import { zlibDeflate } from "../src/deflate.ts";
import { assert, assertEquals } from "./assert.ts";
import { test } from "./harness.ts";

const api = new TLSSigAPIv2(1400000000, "property-test-key");
const T = 1_700_000_000;

/** User ids Tencent's SDKs accept: 1 to 32 printable ASCII characters. */
const userId = fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 32 });

/** The 89 characters of a TRTC string room. */
const ROOM_CHARS =
  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&()+-:;<=.>?@[]^_{}|~,";

/** Runs `body`, which may throw only UserSigError. */
async function onlyUserSigError(body: () => unknown): Promise<void> {
  try {
    await body();
  } catch (error) {
    assert(error instanceof UserSigError, `threw ${String(error)}`);
  }
}

test("property: any valid input round-trips through gen and verify", async () => {
  await fc.assert(
    fc.asyncProperty(
      userId,
      fc.integer({ min: 1, max: 2 ** 31 }),
      fc.option(fc.uint8Array({ maxLength: 300 }), { nil: undefined }),
      async (id, expire, userBuf) => {
        const ticket = userBuf === undefined
          ? await api.genUserSig(id, expire, { now: T })
          : await api.genUserSigWithUserBuf(id, expire, userBuf, { now: T });
        const claims = await api.verifyUserSig(ticket, id, {
          now: T,
          userBuf: userBuf ?? undefined,
        });
        assertEquals([claims.userId, claims.expire, claims.userBuf], [id, expire, userBuf]);
        assertEquals(decodeUserSig(ticket).userId, id);
      },
    ),
    { numRuns: 300 },
  );
});

test("property: any PrivateMapKey round-trips with its room and privileges", async () => {
  await fc.assert(
    fc.asyncProperty(
      userId,
      fc.oneof(
        fc.integer({ min: 1, max: 4294967294 }).map((roomId) => ({ roomId })),
        fc.string({ unit: fc.constantFrom(...ROOM_CHARS), minLength: 1, maxLength: 64 })
          .map((roomStr) => ({ roomStr })),
      ),
      fc.integer({ min: 0, max: 4294967295 }),
      async (id, room, privileges) => {
        const ticket = "roomId" in room
          ? await api.genPrivateMapKey(id, 300, room.roomId, privileges, { now: T })
          : await api.genPrivateMapKeyWithStringRoomID(id, 300, room.roomStr, privileges, {
            now: T,
          });
        const claims = await api.verifyPrivateMapKey(ticket, id, { now: T, ...room, privileges });
        assertEquals(claims.privateMap.privilegeMap, privileges);
      },
    ),
    { numRuns: 200 },
  );
});

test("property: random text into verifyUserSig() and decodeUserSig() throws only UserSigError", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.string({ maxLength: 400 }),
        fc.stringMatching(/^[A-Za-z0-9*\-_]{0,400}$/),
        fc.uint8Array({ maxLength: 300 }).map((b) => encodeTicketBase64(b)),
        fc.json().map((j) => encodeTicketBase64(zlibDeflate(new TextEncoder().encode(j)))),
        fc.dictionary(
          fc.constantFrom(
            "TLS.ver",
            "TLS.identifier",
            "TLS.sdkappid",
            "TLS.time",
            "TLS.expire",
            "TLS.sig",
            "TLS.userbuf",
            "TLS.sdk_appid",
            "TLS.expire_after",
          ),
          fc.oneof(fc.string(), fc.integer(), fc.double(), fc.constant(null), fc.constant("2.0")),
        ).map((d) => encodeTicketBase64(zlibDeflate(new TextEncoder().encode(JSON.stringify(d))))),
      ),
      async (text) => {
        await onlyUserSigError(() => api.verifyUserSig(text, "alice", { now: T }));
        await onlyUserSigError(() => decodeUserSig(text));
      },
    ),
    { numRuns: 2000 },
  );
});

test("property: a ticket with any one character changed is refused or says exactly the same", async () => {
  // Deflate is not canonical (the padding bits after the last code are
  // ignored), so an edit may leave the document as it was; it must never
  // change what a verified ticket says.
  const ticket = await api.genPrivateMapKey("alice", 300, 10000, 255, { now: T });
  const original = await api.verifyPrivateMapKey(ticket, "alice", { now: T });
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-_";
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: ticket.length - 1 }),
      fc.constantFrom(...alphabet),
      async (at, c) => {
        const changed = ticket.slice(0, at) + c + ticket.slice(at + 1);
        await onlyUserSigError(async () => {
          const claims = await api.verifyPrivateMapKey(changed, "alice", { now: T });
          assertEquals(claims, original, `edit at ${at}`);
        });
      },
    ),
    { numRuns: 1000 },
  );
});
