import {
  decodeBase64,
  decodeTicketBase64,
  encodeBase64,
  encodeTicketBase64,
} from "../src/base64.ts";
import { assert, assertEquals } from "./assert.ts";
import { test } from "./harness.ts";

function random(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

test("encodeBase64() matches btoa for every length 0..300", () => {
  for (let n = 0; n <= 300; n++) {
    const bytes = random(n);
    const expected = btoa(String.fromCharCode(...bytes));
    assertEquals(encodeBase64(bytes), expected, `length ${n}`);
    assertEquals(decodeBase64(expected), bytes, `length ${n}`);
  }
});

test("encodeTicketBase64() swaps + / = for * - _ and round-trips, padded or not", () => {
  for (let n = 0; n <= 100; n++) {
    const bytes = random(n);
    const ticket = encodeTicketBase64(bytes);
    assertEquals(
      ticket,
      encodeBase64(bytes).replace(/\+/g, "*").replace(/\//g, "-").replace(/=/g, "_"),
    );
    assertEquals(decodeTicketBase64(ticket), bytes);
    assertEquals(decodeTicketBase64(ticket.replace(/_+$/, "")), bytes, "without padding");
  }
});

test("decodeBase64() rejects text that is not canonical, padded base64", () => {
  for (
    const bad of [
      "A",
      "AB",
      "ABC",
      "AB=",
      "A===",
      "AB=C",
      "AB==AB==",
      "ABC*",
      "ABC-",
      "AB\n=",
      "AÀBC",
      "AB==\n",
      " ABC",
      "AB_=",
      "QR==",
      "QUJ=",
      "AB=D",
    ]
  ) {
    assertEquals(decodeBase64(bad), null, JSON.stringify(bad));
  }
  assertEquals(decodeBase64("QQ=="), new Uint8Array([65]));
  assertEquals(decodeBase64(""), new Uint8Array(0));
});

test("decodeTicketBase64() rejects the standard alphabet's + / = and non-canonical bits", () => {
  for (const bad of ["AB+C", "AB/C", "QQ==", "QR__", "QR", "QUJ", "A", "A_", "AB*C_"]) {
    assertEquals(decodeTicketBase64(bad), null, JSON.stringify(bad));
  }
  assert(decodeTicketBase64("QUI_") !== null);
  assert(decodeTicketBase64("QUI") !== null);
});
