/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
// The page's script: the inspector with its live countdown, the in-page
// verifier and the test-ticket generator. Bundled with the core into
// dist/app.js (committed) by `deno task page:build`. The key typed here lives only in
// the inputs: it is never stored, sent or logged.

import { type DecodedUserSig, decodeUserSig, TLSSigAPIv2, UserSigError } from "../../mod.ts";
import {
  describeValidity,
  explain,
  formatDuration,
  inspectFields,
  printable,
  roomRecordOf,
  tencentCodesText,
} from "../../src/cli/format.ts";
import { genTestUserSig } from "./gen_test_user_sig.ts";
import { maskInput } from "./masked_input.ts";

function element<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

const ticketInput = element<HTMLTextAreaElement>("ticket");
const inspectError = element<HTMLParagraphElement>("inspect-error");
const inspectOutput = element<HTMLDivElement>("inspect-output");
const fieldList = element<HTMLDListElement>("fields");
const verifyGroup = element<HTMLFieldSetElement>("verify-group");
const verifyKey = maskInput(element<HTMLInputElement>("verify-key"));
const verifyApp = element<HTMLSpanElement>("verify-app");
const verifyResult = element<HTMLParagraphElement>("verify-result");
const genGroup = element<HTMLFieldSetElement>("gen-group");
const genKey = maskInput(element<HTMLInputElement>("gen-key"));
const genError = element<HTMLParagraphElement>("gen-error");
const genOutput = element<HTMLDivElement>("gen-output");
const genTicket = element<HTMLTextAreaElement>("gen-ticket");
const genStatus = element<HTMLSpanElement>("gen-status");

const now = () => Math.floor(Date.now() / 1000);
/**
 * How many units durations show: down to the second while a ticket is valid,
 * so the countdown ticks; two once it has expired.
 */
const units = (decoded: DecodedUserSig) =>
  describeValidity(decoded, now()).state === "valid" ? 5 : 2;

/** The ticket being inspected and the value cells to refresh each second. */
let current: { ticket: string; decoded: DecodedUserSig; cells: Map<string, HTMLElement> } | null =
  null;

function show(target: HTMLElement, text: string, tone?: "good" | "bad"): void {
  target.textContent = text;
  target.hidden = text === "";
  target.classList.toggle("good", tone === "good");
  target.classList.toggle("bad", tone === "bad");
}

/**
 * Why a ticket or an input was refused, in words, on one line; for a ticket
 * checked with its key, with the codes Tencent answers for it.
 */
function reason(error: unknown, decoded?: DecodedUserSig): string {
  if (error instanceof UserSigError) {
    const why = `${error.code}: ${printable(explain(error.code, decoded, {}, now()))}`;
    if (decoded === undefined) return why;
    const tencent = tencentCodesText(
      error.code,
      roomRecordOf(decoded) ? "PrivateMapKey" : "UserSig",
      decoded.format === "v1" ? "v1" : undefined,
    );
    return tencent ? `${why}. Tencent answers it with ${tencent}.` : why;
  }
  if (error instanceof TypeError || error instanceof RangeError) return printable(error.message);
  return "something unexpected went wrong";
}

function refresh(): void {
  if (current === null) return;
  const { decoded, cells } = current;
  for (const field of inspectFields(decoded, now(), units(decoded))) {
    const cell = cells.get(field.label);
    if (cell !== undefined && cell.textContent !== field.value) cell.textContent = field.value;
  }
  const state = describeValidity(decoded, now()).state;
  const status = cells.get("status")?.parentElement;
  status?.classList.toggle("expired", state !== "valid");
  status?.classList.toggle("valid", state === "valid");
}

function inspect(): void {
  const ticket = ticketInput.value.trim();
  show(verifyResult, "");
  current = null;
  if (ticket === "") {
    show(inspectError, "");
    inspectOutput.hidden = true;
    return;
  }
  let decoded: DecodedUserSig;
  try {
    decoded = decodeUserSig(ticket);
  } catch (error) {
    const detail = error instanceof UserSigError ? ` (${printable(error.message)})` : "";
    show(inspectError, `${reason(error)}${detail}`, "bad");
    inspectOutput.hidden = true;
    return;
  }
  const cells = new Map<string, HTMLElement>();
  fieldList.replaceChildren();
  for (const field of inspectFields(decoded, now(), units(decoded))) {
    const term = document.createElement("dt");
    term.textContent = field.label;
    const value = document.createElement("dd");
    const text = document.createElement("span");
    text.dataset.field = field.label;
    if (field.label === "status") text.setAttribute("role", "timer");
    text.textContent = field.value;
    value.append(text);
    cells.set(field.label, text);
    fieldList.append(term, value);
  }
  current = { ticket, decoded, cells };
  verifyApp.textContent = String(decoded.sdkAppId);
  show(inspectError, "");
  inspectOutput.hidden = false;
  refresh();
}

/**
 * Checks a group's fields as a form submission would, showing the browser's
 * message on the first invalid one and focusing it.
 */
function valid(group: HTMLFieldSetElement): boolean {
  return [...group.querySelectorAll("input")].every((input) => input.reportValidity());
}

/**
 * Enter in any field of the group runs `action`, as it would submit a form.
 * (The groups are no forms: a form's password field is what password
 * managers offer to save, and the key must not be stored.)
 */
function onEnter(group: HTMLFieldSetElement, action: () => unknown): void {
  group.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing || event.repeat) return;
    if (!(event.target instanceof HTMLInputElement)) return;
    event.preventDefault();
    action();
  });
}

async function verify(): Promise<void> {
  if (current === null || !valid(verifyGroup)) return;
  const { ticket, decoded } = current;
  show(verifyResult, "Checking…");
  try {
    const api = new TLSSigAPIv2(decoded.sdkAppId, verifyKey.value.trim());
    if (roomRecordOf(decoded) !== undefined) {
      await api.verifyPrivateMapKey(ticket, decoded.userId);
    } else {
      await api.verifyUserSig(ticket, decoded.userId, { userBuf: "any" });
    }
    const validity = describeValidity(decoded, now()).text;
    show(verifyResult, `Valid: signed with this key, ${validity}.`, "good");
  } catch (error) {
    show(verifyResult, `Not valid: ${reason(error, decoded)}`, "bad");
  }
}

function wholeNumber(value: string, name: string): number {
  if (!/^\d{1,10}$/.test(value.trim())) throw new RangeError(`${name} must be a whole number`);
  return Number(value);
}

async function generate(): Promise<void> {
  if (!valid(genGroup)) return;
  show(genError, "");
  show(genStatus, "");
  try {
    const { userSig } = await genTestUserSig({
      sdkAppId: wholeNumber(element<HTMLInputElement>("gen-app").value, "SDKAppID"),
      secretKey: genKey.value.trim(),
      userId: element<HTMLInputElement>("gen-user").value,
      expire: wholeNumber(element<HTMLInputElement>("gen-expire").value, "Valid for"),
    });
    genTicket.value = userSig;
    genOutput.hidden = false;
    show(genStatus, "Generated.");
  } catch (error) {
    genOutput.hidden = true;
    show(genError, reason(error), "bad");
  }
}

async function copy(): Promise<void> {
  try {
    await navigator.clipboard.writeText(genTicket.value);
    show(genStatus, "Copied.");
  } catch {
    genTicket.select();
    show(genStatus, "Selected: press Ctrl+C (⌘C) to copy.");
  }
}

function start(): void {
  element("loading").hidden = true;
  if (globalThis.crypto?.subtle === undefined) {
    element("insecure-origin").textContent = location.origin;
    element("insecure").hidden = false;
    verifyGroup.disabled = true;
    genGroup.disabled = true;
  }
  ticketInput.addEventListener("input", inspect);
  element("verify-button").addEventListener("click", verify);
  onEnter(verifyGroup, verify);
  element("gen-button").addEventListener("click", generate);
  onEnter(genGroup, generate);
  element("gen-copy").addEventListener("click", copy);
  const expire = element<HTMLInputElement>("gen-expire");
  expire.addEventListener("input", () => {
    const seconds = /^\d{1,10}$/.test(expire.value.trim()) ? Number(expire.value) : 0;
    element("gen-expire-help").textContent = seconds > 0
      ? `${seconds} seconds is ${formatDuration(seconds, 5)}.`
      : "A whole number of seconds, such as 86400 for one day.";
  });
  element("gen-inspect").addEventListener("click", () => {
    ticketInput.value = genTicket.value;
    inspect();
    ticketInput.focus();
  });
  // Keys are forgotten with the page, including in the back-forward cache.
  addEventListener("pagehide", () => {
    verifyKey.clear();
    genKey.clear();
  });
  // The key fields come disabled, so that without this script (a file: URL, a
  // stale bundle) they are no plain visible inputs; masked now, they take a key,
  // unless another page frames this one and could watch or steer the typing.
  const framed = globalThis.top !== globalThis.self;
  element("framed").hidden = !framed;
  for (const id of ["verify-key", "gen-key"]) element<HTMLInputElement>(id).disabled = framed;
  setInterval(refresh, 1000);
  if (ticketInput.value !== "") inspect();
}

start();
