import {
  decodePrivateMap,
  encodePrivateMap,
  parsePrivileges,
  type PrivateMap,
  Privilege,
  privilegeNames,
} from "../mod.ts";
import { assertEquals, assertThrows, fromHex, toHex } from "./assert.ts";
import { test } from "./harness.ts";
import { rawRecord, V2_VECTORS } from "./tickets.ts";

const map: PrivateMap = {
  userId: "xiaojun",
  sdkAppId: 1400000000,
  roomId: 10000,
  expiresAt: 1700000300,
  privilegeMap: 255,
  accountType: 0,
};

test("encodePrivateMap() writes the vectors' records byte for byte", () => {
  for (const v of V2_VECTORS.filter((v) => v.kind === "PrivateMapKey")) {
    const room = v.roomStr === undefined ? { roomId: v.roomId } : { roomStr: v.roomStr };
    const bytes = encodePrivateMap({
      userId: v.userId,
      sdkAppId: v.sdkAppId,
      ...room,
      expiresAt: v.time + v.expire,
      privilegeMap: v.privilegeMap!,
      accountType: 0,
    });
    assertEquals(toHex(bytes), v.userBufHex, v.name);
    assertEquals(decodePrivateMap(bytes), {
      userId: v.userId,
      sdkAppId: v.sdkAppId,
      ...room,
      expiresAt: v.time + v.expire,
      privilegeMap: v.privilegeMap,
      accountType: 0,
    });
  }
});

test("encodePrivateMap() and decodePrivateMap() round-trip extreme values", () => {
  for (
    const m of [
      { ...map, roomId: 1, expiresAt: 0, privilegeMap: 0, accountType: 4294967295 },
      { ...map, roomId: 4294967294, expiresAt: 4294967295, privilegeMap: 4294967295 },
      { ...map, userId: "a b~", roomId: undefined, roomStr: " ~ !#$%&()+-:;<=.>?@[]^_{}|," },
      { ...map, userId: "x".repeat(32), roomId: undefined, roomStr: "r".repeat(64) },
    ]
  ) {
    assertEquals(decodePrivateMap(encodePrivateMap(m)), m);
  }
});

test("decodePrivateMap() reads a record of a non-ASCII id and room in UTF-8, as Go and PHP write it", () => {
  const utf8 = (text: string) => new TextEncoder().encode(text);
  const bytes = rawRecord({
    account: utf8("名字"),
    sdkAppId: 1400000000,
    expiresAt: 1700000300,
    privilegeMap: 255,
    room: utf8("ä ö ü"),
  });
  assertEquals(bytes[2], 6, "account length in bytes");
  assertEquals(decodePrivateMap(bytes), {
    userId: "名字",
    sdkAppId: 1400000000,
    roomStr: "ä ö ü",
    expiresAt: 1700000300,
    privilegeMap: 255,
    accountType: 0,
  });
});

test("encodePrivateMap() refuses both or neither room and each bad field", () => {
  assertThrows(() => encodePrivateMap({ ...map, roomStr: "a" }), TypeError, "exactly one");
  assertThrows(() => encodePrivateMap({ ...map, roomId: undefined }), TypeError, "exactly one");
  assertThrows(() => encodePrivateMap(null as unknown as PrivateMap), TypeError, "object");
  assertThrows(() => encodePrivateMap({ ...map, userId: "" }), RangeError, "map.userId");
  assertThrows(() => encodePrivateMap({ ...map, sdkAppId: 0 }), RangeError, "sdkAppId");
  assertThrows(() => encodePrivateMap({ ...map, roomId: 0 }), RangeError, "map.roomId");
  assertThrows(
    () => encodePrivateMap({ ...map, roomId: undefined, roomStr: "" }),
    RangeError,
    "map.roomStr",
  );
  assertThrows(() => encodePrivateMap({ ...map, expiresAt: -1 }), RangeError, "map.expiresAt");
  assertThrows(
    () => encodePrivateMap({ ...map, privilegeMap: 0.5 }),
    TypeError,
    "map.privilegeMap",
  );
  assertThrows(
    () => encodePrivateMap({ ...map, accountType: 2 ** 32 }),
    RangeError,
    "map.accountType",
  );
});

test("decodePrivateMap() refuses records that do not add up", () => {
  const good = encodePrivateMap(map);
  const stringRoom = encodePrivateMap({ ...map, roomId: undefined, roomStr: "abc" });
  const cases: [Uint8Array, string][] = [
    [good.subarray(0, 22), "too short"],
    [good.subarray(0, good.length - 1), "too short"],
    [new Uint8Array([...good, 0]), "trailing bytes"],
    [new Uint8Array([2, ...good.subarray(1)]), "unknown version 2"],
    [stringRoom.subarray(0, stringRoom.length - 1), "room length"],
    [new Uint8Array([...stringRoom, 0]), "room length"],
    [fromHex("000002ffff" + "00".repeat(20)), "not UTF-8"],
    [
      new Uint8Array([...stringRoom.subarray(0, stringRoom.length - 3), 0xc3, 0x28, 0x41]),
      "not UTF-8",
    ],
    [fromHex("0000ff"), "too short"],
  ];
  // A numeric record for room 0, a string record that also names a numeric
  // room, and an empty string room: no official library writes these today.
  const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset);
  const roomZero = good.slice();
  view(roomZero).setUint32(3 + 7 + 4, 0);
  cases.push([roomZero, "numeric room 0"]);
  const both = stringRoom.slice();
  view(both).setUint32(3 + 7 + 4, 5);
  cases.push([both, "a string-room record with a numeric room"]);
  cases.push([
    new Uint8Array([...stringRoom.subarray(0, stringRoom.length - 5), 0, 0]),
    "an empty string room",
  ]);
  for (const [bytes, message] of cases) {
    assertThrows(() => decodePrivateMap(bytes), "ERR_USERSIG_MALFORMED", message);
  }
  assertThrows(() => decodePrivateMap("abc" as unknown as Uint8Array), "ERR_USERSIG_MALFORMED");
});

test("parsePrivileges() reads numbers, names and lists; privilegeNames() names the bits", () => {
  assertEquals(parsePrivileges(42), 42);
  assertEquals(parsePrivileges("42"), 42);
  assertEquals(parsePrivileges("all"), 255);
  assertEquals(parsePrivileges("EnterRoom, receive-audio ,RECEIVE_VIDEO"), 42);
  assertEquals(parsePrivileges(["CreateRoom", "1", "SendSubStream"]), 65);
  assertEquals(parsePrivileges(4294967295), 4294967295);
  assertEquals(privilegeNames(42), ["EnterRoom", "ReceiveAudio", "ReceiveVideo"]);
  assertEquals(privilegeNames(Privilege.All).length, 8);
  assertEquals(privilegeNames(0), []);
  assertEquals(privilegeNames(2 ** 31 + 1), ["CreateRoom", "bit31"]);
  assertThrows(() => parsePrivileges("fly"), RangeError, 'unknown privilege "fly"');
  assertThrows(() => parsePrivileges(-1), RangeError);
  assertThrows(() => parsePrivileges("4294967296"), RangeError);
  assertThrows(() => parsePrivileges({} as unknown as number), TypeError);
  assertThrows(() => parsePrivileges([1] as unknown as string[]), TypeError);
});

test("parsePrivileges() checks a number as every privilege map is checked, and names it", () => {
  assertThrows(
    () => parsePrivileges(-1),
    RangeError,
    "privileges must be between 0 and 4294967295",
  );
  assertThrows(() => parsePrivileges("4294967296"), RangeError, "got 4294967296");
  assertThrows(() => parsePrivileges(1.5), TypeError, "privileges must be an integer");
  assertThrows(() => parsePrivileges(NaN), TypeError, "privileges must be an integer");
  assertEquals(parsePrivileges(["all", "256"]), 511);
  assertEquals(privilegeNames(511), [...privilegeNames(255), "bit8"]);
  assertEquals(privilegeNames(4294967295).slice(-2), ["bit30", "bit31"]);
});
