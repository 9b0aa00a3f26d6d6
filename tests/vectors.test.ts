import { decodeUserSig, TLSSigAPIv2 } from "../mod.ts";
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { test } from "./harness.ts";
import { documentOf, userBufOf, V2_VECTORS, type V2Vector } from "./tickets.ts";

function verify(v: V2Vector, now: number) {
  const api = new TLSSigAPIv2(v.sdkAppId, v.secretKey);
  const userBuf = userBufOf(v);
  return v.kind === "PrivateMapKey"
    ? api.verifyPrivateMapKey(v.userSig, v.userId, { now })
    : api.verifyUserSig(v.userSig, v.userId, { now, userBuf });
}

function regenerate(v: V2Vector): Promise<string> {
  const api = new TLSSigAPIv2(v.sdkAppId, v.secretKey);
  const options = { now: v.time };
  if (v.kind === "PrivateMapKey") {
    return v.roomStr === undefined
      ? api.genPrivateMapKey(v.userId, v.expire, v.roomId!, v.privilegeMap!, options)
      : api.genPrivateMapKeyWithStringRoomID(
        v.userId,
        v.expire,
        v.roomStr,
        v.privilegeMap!,
        options,
      );
  }
  const userBuf = userBufOf(v);
  return userBuf === undefined
    ? api.genUserSig(v.userId, v.expire, options)
    : api.genUserSigWithUserBuf(v.userId, v.expire, userBuf, options);
}

for (const v of V2_VECTORS) {
  test(`vector ${v.name}: verifies at its first and last valid second`, async () => {
    for (const now of [v.time, v.time + v.expire]) {
      const claims = await verify(v, now);
      assertEquals(claims.userId, v.userId);
      assertEquals(claims.sdkAppId, v.sdkAppId);
      assertEquals(claims.time, v.time);
      assertEquals(claims.expire, v.expire);
      assertEquals(claims.expiresAt, v.time + v.expire);
      assertEquals(claims.userBuf, userBufOf(v));
    }
  });

  test(`vector ${v.name}: fails ERR_USERSIG_EXPIRED one second past its validity`, async () => {
    await assertRejects(() => verify(v, v.time + v.expire + 1), "ERR_USERSIG_EXPIRED");
  });

  test(`vector ${v.name}: regenerates to the same document and HMAC`, async () => {
    const ours = await regenerate(v);
    const expected = decodeUserSig(v.userSig).document;
    const actual = await documentOf(ours); // standard zlib reads ours
    assertEquals(actual, expected);
    if (v.hmacBase64 !== undefined) assertEquals(actual["TLS.sig"], v.hmacBase64);
    if (v.document !== undefined) {
      // Same key order and spacing as the official Node library.
      assertEquals(decodeUserSig(ours).json, JSON.stringify(v.document));
    }
  });
}

test("vectors: the PrivateMapKey records decode to the vector's room and privileges", () => {
  for (const v of V2_VECTORS.filter((v) => v.kind === "PrivateMapKey")) {
    const map = decodeUserSig(v.userSig).privateMap;
    assert(map !== undefined, v.name);
    assertEquals(map.roomId ?? map.roomStr, v.roomId ?? v.roomStr, v.name);
    assertEquals(map.privilegeMap, v.privilegeMap, v.name);
    assertEquals(map.expiresAt, v.time + v.expire, v.name);
  }
});
