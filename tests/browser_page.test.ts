// The browser page (examples/browser) in headless Chromium: its committed
// bundles are checked against a fresh build, then it is served from loopback
// by its own server and driven like a person would. Screenshots go to test-artifacts/.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { createRequire } from "node:module";
import process from "node:process";
import type { Browser, BrowserContextOptions, Page, Request } from "playwright-core";
import { TLSSigAPIv2 } from "../mod.ts";
import { servePage } from "../examples/browser/server.ts";
import { assert, assertEquals } from "./assert.ts";
import { test, type TestOptions } from "./harness.ts";
import { signTicket, V2_VECTORS } from "./tickets.ts";
import v1 from "./vectors/legacy-v1.json" with { type: "json" };

const NODE_ONLY: TestOptions = {
  runtimes: ["node"],
  why: "drives the system Chromium through playwright-core; one host is enough",
};

const KEY = "page-test-secret-key-51c0e2";
const pmk = V2_VECTORS.find((v) => v.name === "privatemapkey-numeric-room-official-node")!;
const root = () => process.cwd();
const pageDir = () => join(root(), "examples", "browser");

test("the committed page bundles are what deno task page:build makes of today's sources", () => {
  const fresh = mkdtempSync(join(tmpdir(), "usersig-page-"));
  try {
    const result = spawnSync(process.execPath, [join(root(), "scripts", "build_page.mjs"), fresh], {
      cwd: root(),
      encoding: "utf8",
    });
    assertEquals(result.status, 0, result.stderr);
    for (const file of ["app.js", "gen_test_user_sig.js"]) {
      const committed = readFileSync(join(pageDir(), "dist", file), "utf8");
      assert(
        committed === readFileSync(join(fresh, file), "utf8"),
        `examples/browser/dist/${file} is stale: run \`deno task page:build\` and commit it`,
      );
    }
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}, {
  runtimes: ["node"],
  why: "rebuilds the bundles with esbuild in a subprocess; one host is enough",
});

interface Session {
  page: Page;
  origin: string;
  /** Every key typed into the page; none may reach a request. KEY is there. */
  secrets: string[];
  console: string[];
}

/** What the page requests to load itself, and nothing else. */
const PAGE_LOAD = ["/", "/style.css", "/dist/app.js"];

interface PageOptions {
  /** Paths the test itself makes the page request after it has loaded. */
  laterRequests?: string[];
}

/**
 * Serves the page on loopback, opens it in a fresh Chromium, runs `fn`,
 * and checks what the page sent: only its own files while loading, no
 * request at all afterwards (but `laterRequests`), no WebSocket, and no key
 * in any URL, header or body.
 */
async function withPage(
  options: BrowserContextOptions,
  fn: (session: Session) => Promise<void>,
  { laterRequests = [] }: PageOptions = {},
): Promise<void> {
  const server = await servePage(pageDir(), 0);
  const { launchChromium } = await import("./chromium.ts");
  const browser: Browser = await launchChromium();
  try {
    const context = await browser.newContext(options);
    const requests: Request[] = [];
    const sockets: string[] = [];
    // The context sees the requests of every page and popup it opens.
    context.on("request", (request) => requests.push(request));
    const page = await context.newPage();
    page.on("websocket", (socket) => sockets.push(socket.url()));
    const session: Session = {
      page,
      origin: new URL(server.url).origin,
      secrets: [KEY],
      console: [],
    };
    page.on("console", (message) => session.console.push(message.text()));
    page.on("pageerror", (error) => session.console.push(`pageerror: ${error.message}`));
    await page.goto(server.url);
    await page.locator("#loading").waitFor({ state: "hidden" });
    const loaded = requests.length;
    await fn(session);

    const paths = (list: Request[]) =>
      list.map((r) =>
        r.url().startsWith(`${session.origin}/`) ? new URL(r.url()).pathname : r.url()
      );
    assertEquals(paths(requests.slice(0, loaded)).sort(), [...PAGE_LOAD].sort(), "page load");
    assertEquals(paths(requests.slice(loaded)), laterRequests, "requests after the page loaded");
    assertEquals(sockets, [], "WebSockets opened");
    for (const request of requests) {
      const sent = [
        request.url(),
        JSON.stringify(await request.allHeaders()),
        request.postData() ?? "",
      ].join("\n");
      for (const secret of session.secrets) {
        for (const form of [secret, encodeURIComponent(secret)]) {
          assert(!sent.includes(form), `a key was sent: ${request.method()} ${request.url()}`);
        }
      }
    }
    for (const secret of session.secrets) {
      assert(!session.console.some((line) => line.includes(secret)), "a key reached the console");
    }
    assertEquals(session.console.filter((line) => line.startsWith("pageerror")), []);
  } finally {
    await browser.close();
    await server.close();
  }
}

/** The inspector's fields, label → value. */
async function fields(page: Page): Promise<Record<string, string>> {
  return await page.locator("#fields").evaluate((list) => {
    const out: Record<string, string> = {};
    for (const term of list.querySelectorAll("dt")) {
      out[term.textContent ?? ""] = term.nextElementSibling?.textContent ?? "";
    }
    return out;
  });
}

async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(root(), "test-artifacts");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, name), fullPage: true });
}

test(
  "browser page generates a test UserSig that the core verifies, key kept in the page",
  async () => {
    await withPage({ viewport: { width: 1280, height: 900 } }, async ({ page }) => {
      // Keyboard only: type into each field, Enter submits.
      await page.locator("#gen-app").fill("1400000000");
      await page.locator("#gen-key").fill(KEY);
      await page.locator("#gen-user").fill("page-user");
      await page.locator("#gen-expire").fill("3600");
      await page.locator("#gen-expire").press("Enter");
      await page.locator("#gen-output").waitFor({ state: "visible" });
      const userSig = await page.locator("#gen-ticket").inputValue();
      const claims = await new TLSSigAPIv2(1400000000, KEY).verifyUserSig(userSig, "page-user");
      assertEquals(claims.expire, 3600);

      // Nothing persisted anywhere.
      const stored = await page.evaluate(() => ({
        local: localStorage.length,
        session: sessionStorage.length,
        cookie: document.cookie,
      }));
      assertEquals(stored, { local: 0, session: 0, cookie: "" });

      // "Inspect it" hands the ticket to the inspector; the key verifies it in the page.
      await page.getByRole("button", { name: "Inspect it" }).click();
      const shown = await fields(page);
      assertEquals(shown["user"], "page-user");
      assert(/^valid for 59 minutes \d+ seconds?$|^valid for 1 hour$/.test(shown["status"]));
      const first = shown["status"];
      // The countdown ticks: wait for the status to change (a loaded machine may be slow).
      await page.locator("#fields").evaluate(
        (list, before) =>
          new Promise<void>((resolve) => {
            const status = () =>
              [...list.querySelectorAll("dt")].find((t) => t.textContent === "status")
                ?.nextElementSibling?.textContent;
            const poll = () => status() !== before ? resolve() : setTimeout(poll, 50);
            poll();
          }),
        first,
      );
      await page.locator("#verify-key").fill(KEY);
      await page.locator("#verify-key").press("Enter");
      await page.locator("#verify-result.good").waitFor();
      assert(
        (await page.locator("#verify-result").textContent())!.startsWith(
          "Valid: signed with this key, valid for 59 minutes",
        ),
      );
      await screenshot(page, "browser-page-desktop.png");
    });
  },
  NODE_ONLY,
);

test(
  "browser page's genTestUserSig() returns { sdkAppId, userSig } that the core verifies",
  async () => {
    await withPage({}, async ({ page }) => {
      const result = await page.evaluate(async (secretKey) => {
        const url = "/dist/gen_test_user_sig.js";
        const { genTestUserSig } = await import(url);
        return await genTestUserSig({ sdkAppId: 1400000000, secretKey, userId: "helper" });
      }, KEY);
      assertEquals(Object.keys(result), ["sdkAppId", "userSig"]);
      assertEquals(result.sdkAppId, 1400000000);
      const claims = await new TLSSigAPIv2(1400000000, KEY).verifyUserSig(result.userSig, "helper");
      assertEquals(claims.expire, 604800);
    }, { laterRequests: ["/dist/gen_test_user_sig.js"] });
  },
  NODE_ONLY,
);

test("browser page inspects a known PrivateMapKey and verifies it with its key", async () => {
  await withPage({ viewport: { width: 1280, height: 900 } }, async ({ page, secrets }) => {
    secrets.push(pmk.secretKey, "wrong-key");
    await page.getByLabel("UserSig or PrivateMapKey").fill(pmk.userSig);
    const shown = await fields(page);
    assertEquals(shown["ticket"], "PrivateMapKey, format v2 (HMAC-SHA256)");
    assertEquals(shown["version"], "2.0");
    assertEquals(shown["SDKAppID"], "1400000000");
    assertEquals(shown["user"], "xiaojun");
    assertEquals(shown["issued at"], "2023-11-14T22:13:20Z");
    assertEquals(shown["expires at"], "2023-11-14T22:18:20Z");
    assertEquals(shown["room"], "10000 (numeric)");
    assert(shown["privileges"].startsWith("255: CreateRoom, EnterRoom, SendAudio"));
    assert(/^expired \d+ years? .* ago$/.test(shown["status"]), shown["status"]);
    assertEquals(await page.locator("#verify-app").textContent(), "1400000000");

    // The right key: authentic but expired. A wrong key: not signed with it.
    await page.locator("#verify-key").fill(pmk.secretKey);
    await page.getByRole("button", { name: "Verify" }).click();
    await page.locator("#verify-result.bad").waitFor();
    const expired = await page.locator("#verify-result").textContent();
    assert(expired!.startsWith("Not valid: ERR_USERSIG_EXPIRED: the ticket expired "), expired!);
    await page.locator("#verify-key").fill("wrong-key");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByText("ERR_USERSIG_SIGNATURE_INVALID").waitFor();

    // Garbage gets a reason, not a crash, and never the ticket back.
    await page.getByLabel("UserSig or PrivateMapKey").fill("eJyr" + "Q".repeat(120));
    const error = await page.locator("#inspect-error").textContent();
    assert(error!.startsWith("ERR_USERSIG_MALFORMED: "), error!);
    assert(!error!.includes("Q".repeat(120)));
    assert(await page.locator("#inspect-output").isHidden());
  });
}, NODE_ONLY);

test(
  "browser page's key fields are no password-manager candidates; Enter still submits",
  async () => {
    await withPage({}, async ({ page, secrets }) => {
      secrets.push(pmk.secretKey);
      await page.getByLabel("UserSig or PrivateMapKey").fill(pmk.userSig); // shows the verifier
      // A password field, or any field of a <form>, is what password managers
      // offer to save; the key fields are neither, and are masked by the
      // page's script, not by a non-standard style.
      const facts = await page.evaluate(() => ({
        forms: document.querySelectorAll("form").length,
        passwords: document.querySelectorAll("input[type=password]").length,
        keys: ["gen-key", "verify-key"].map((id) => {
          const input = document.getElementById(id) as HTMLInputElement;
          return {
            id,
            type: input.type,
            inForm: input.form !== null || input.closest("form") !== null,
            name: input.name,
            autocomplete: input.getAttribute("autocomplete"),
            spellcheck: input.spellcheck,
            autocapitalize: input.getAttribute("autocapitalize"),
            styleMask: getComputedStyle(input).getPropertyValue("-webkit-text-security"),
            label: input.labels?.[0]?.textContent?.trim(),
            optedOut: ["data-1p-ignore", "data-lpignore", "data-bwignore"]
              .filter((name) => input.hasAttribute(name)),
          };
        }),
      }));
      assertEquals(facts.forms, 0, "forms");
      assertEquals(facts.passwords, 0, "password inputs");
      for (const key of facts.keys) {
        assertEquals(key, {
          id: key.id,
          type: "text",
          inForm: false,
          name: "",
          autocomplete: "off",
          spellcheck: false,
          autocapitalize: "off",
          styleMask: "none",
          label: "Secret key",
          optedOut: ["data-1p-ignore", "data-lpignore", "data-bwignore"],
        });
      }

      // Enter in a field generates; with a required field empty, that field is
      // reported and focused instead.
      await page.locator("#gen-app").fill("1400000000");
      await page.locator("#gen-key").fill(KEY);
      await page.locator("#gen-key").press("Enter");
      assertEquals(await page.evaluate(() => document.activeElement?.id), "gen-user");
      assert(await page.locator("#gen-output").isHidden(), "generated without a user");
      await page.locator("#gen-user").fill("enter-user");
      await page.locator("#gen-key").press("Enter");
      await page.locator("#gen-output").waitFor({ state: "visible" });
      const userSig = await page.locator("#gen-ticket").inputValue();
      await new TLSSigAPIv2(1400000000, KEY).verifyUserSig(userSig, "enter-user");

      // Enter in the verifier's key field verifies; an empty key is reported.
      await page.locator("#verify-key").press("Enter");
      assertEquals(await page.locator("#verify-result").textContent(), "");
      await page.locator("#verify-key").fill(pmk.secretKey);
      await page.locator("#verify-key").press("Enter");
      await page.getByText("ERR_USERSIG_EXPIRED").waitFor();
    });
  },
  NODE_ONLY,
);

test("browser page is usable on a phone and every control has a label", async () => {
  const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true };
  await withPage(phone, async ({ page }) => {
    await page.getByLabel("UserSig or PrivateMapKey").fill(pmk.userSig);
    await page.locator("#fields").waitFor();
    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      width: innerWidth,
      unlabelled: [...document.querySelectorAll("input, textarea, select")]
        .filter((e) => (e as HTMLInputElement).labels?.length === 0).map((e) => e.id),
      unnamed: [...document.querySelectorAll("button")]
        .filter((b) => (b.textContent ?? "").trim() === "").length,
    }));
    assert(layout.scrollWidth <= layout.width, `no sideways scrolling: ${JSON.stringify(layout)}`);
    assertEquals(layout.unlabelled, []);
    assertEquals(layout.unnamed, 0);
    await screenshot(page, "browser-page-phone.png");
  });
}, NODE_ONLY);

test("browser page says how to fix a missing crypto.subtle and still inspects", async () => {
  // A page served from a non-local host over http is not a secure context.
  // The host name never reaches a network: Playwright answers from the files.
  const TYPES: Record<string, string> = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
  };
  const { launchChromium } = await import("./chromium.ts");
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    await page.route("**/*", async (route) => {
      const url = new URL(route.request().url());
      const path = url.pathname === "/" ? "/index.html" : url.pathname;
      if (url.origin !== "http://insecure.test" || !(extname(path) in TYPES)) {
        return await route.abort();
      }
      await route.fulfill({
        contentType: TYPES[extname(path)],
        body: readFileSync(join(pageDir(), path)),
      });
    });
    await page.goto("http://insecure.test/");
    await page.locator("#insecure").waitFor({ state: "visible" });
    const loaded = requests.length;
    assertEquals(await page.evaluate(() => isSecureContext), false);
    const text = await page.locator("#insecure").textContent();
    assert(text!.includes("http://insecure.test"), text!);
    assert(text!.includes("http://localhost:PORT/") && text!.includes("https"), text!);
    assert(await page.getByRole("button", { name: "Generate" }).isDisabled());
    assert(await page.locator("#gen-key").isDisabled());
    await page.getByLabel("UserSig or PrivateMapKey").fill(pmk.userSig);
    assertEquals((await fields(page))["room"], "10000 (numeric)");
    assert(await page.getByRole("button", { name: "Verify" }).isDisabled());
    assert(requests.every((url) => url.startsWith("http://insecure.test/")), requests.join());
    assertEquals(requests.slice(loaded), [], "requests after the page loaded");
    await screenshot(page, "browser-page-insecure.png");
  } finally {
    await browser.close();
  }
}, NODE_ONLY);

test(
  "browser page masks the key itself, in any browser: the DOM holds bullets, never the key",
  async () => {
    await withPage(
      { permissions: ["clipboard-read", "clipboard-write"] },
      async ({ page, secrets }) => {
        secrets.push("pasted-key-" + KEY);
        const key = page.locator("#gen-key");
        const shown = () => key.inputValue();
        // Typed: one bullet a character; Backspace, Delete and a replaced selection edit the key.
        await key.pressSequentially("page-tesX");
        assertEquals(await shown(), "•".repeat(9));
        await key.press("Backspace");
        await key.pressSequentially("t-secret-key-51c0e2");
        await key.press("Home");
        await key.press("Delete");
        await key.pressSequentially("p");
        await key.press("Shift+ArrowRight");
        await key.pressSequentially("a");
        // Undo would bring back bullets, not the key: refused.
        await key.press("Control+Z");
        assertEquals(await shown(), "•".repeat(KEY.length));
        const dom = await page.evaluate(() => document.documentElement.outerHTML);
        assert(!dom.includes("secret-key"), "the key is in the DOM");
        await page.locator("#gen-app").fill("1400000000");
        await page.locator("#gen-user").fill("masked");
        await page.getByRole("button", { name: "Generate" }).click();
        await page.locator("#gen-output").waitFor({ state: "visible" });
        const typed = await page.locator("#gen-ticket").inputValue();
        await new TLSSigAPIv2(1400000000, KEY).verifyUserSig(typed, "masked");

        // Pasted, over a selection of all: the key is what was pasted; a copy gives bullets.
        await page.evaluate((text) => navigator.clipboard.writeText(text), "pasted-key-" + KEY);
        await key.press("Control+A");
        await key.press("Control+V");
        assertEquals(await shown(), "•".repeat(("pasted-key-" + KEY).length));
        await key.press("Control+A");
        await key.press("Control+C");
        const copied = await page.evaluate(() => navigator.clipboard.readText());
        assert(/^•+$/.test(copied), "copying the field gives the key away");
        await page.getByRole("button", { name: "Generate" }).click();
        await page.locator("#gen-status").getByText("Generated.").waitFor();
        const pasted = await page.locator("#gen-ticket").inputValue();
        await new TLSSigAPIv2(1400000000, "pasted-key-" + KEY).verifyUserSig(pasted, "masked");
      },
    );
  },
  NODE_ONLY,
);

test(
  "browser page names Tencent's codes for a rejection, explains a corrupt record, warns of a UserID",
  async () => {
    const key = "page-codes-key-93a1";
    const api = new TLSSigAPIv2(1400000000, key);
    const dotted = await api.genUserSig("alice.smith", 3600);
    const require = createRequire(`${root()}/package.json`);
    const Official = require("tls-sig-api-v2/TLSSigAPIv2.js").Api;
    const corrupt: string = new Official(1400000000, key).genPrivateMapKey("用户", 300, 7, 255);
    await withPage({}, async ({ page, secrets }) => {
      secrets.push(key);
      const ticket = page.getByLabel("UserSig or PrivateMapKey");
      await ticket.fill(dotted);
      const warning = (await fields(page))["warning"];
      assert(warning?.includes("outside [A-Za-z0-9_-]"), warning);
      await page.locator("#verify-key").fill("wrong-key");
      await page.getByRole("button", { name: "Verify" }).click();
      await page.locator("#verify-result.bad").waitFor();
      assertEquals(
        await page.locator("#verify-result").textContent(),
        "Not valid: ERR_USERSIG_SIGNATURE_INVALID: the ticket was not signed with this key " +
          "(another app's key, a key reset in the console, or an altered ticket). Tencent " +
          "answers it with 70009 (IM server / REST API), -100018 (TRTC native), -10013 (TRTC web).",
      );

      await ticket.fill(corrupt);
      const shown = await fields(page);
      assertEquals(
        shown["ticket"],
        "PrivateMapKey, format v2 (HMAC-SHA256), its room record corrupt",
      );
      assert(
        shown["userbuf"].includes("its account is in UTF-16 units cut to bytes"),
        shown["userbuf"],
      );
      assertEquals(shown["room"], "7 (numeric)");
      await page.locator("#verify-key").fill(key);
      await page.getByRole("button", { name: "Verify" }).click();
      await page.locator("#verify-result.bad").waitFor();
      const result = await page.locator("#verify-result").textContent();
      assert(
        result!.startsWith(
          "Not valid: ERR_PRIVATEMAPKEY_RECORD_CORRUPT: the PrivateMapKey is authentic (its " +
            "signature is valid), but its room record is corrupt: its account is in UTF-16 units",
        ),
        result!,
      );
      assert(result!.endsWith("Tencent answers it with -100006 (TRTC native), -10019 (TRTC web)."));
    });
  },
  NODE_ONLY,
);

test(
  "browser page's server forbids framing; framed anyway, the page disables its key fields",
  async () => {
    const server = await servePage(pageDir(), 0);
    const { launchChromium } = await import("./chromium.ts");
    const browser = await launchChromium();
    try {
      const response = await fetch(server.url);
      assertEquals(response.headers.get("content-security-policy"), "frame-ancestors 'none'");
      assertEquals(response.headers.get("x-frame-options"), "DENY");
      await response.body?.cancel();

      // Another site frames the served page: the browser refuses to show it.
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on("request", (request) => requests.push(request.url()));
      await page.route("http://framer.test/", (route) =>
        route.fulfill({
          contentType: "text/html",
          body: `<!doctype html><iframe src="${server.url}"></iframe>`,
        }));
      await page.goto("http://framer.test/");
      await page.waitForLoadState("load");
      assert(requests.includes(server.url), requests.join());
      assert(!requests.some((url) => url.endsWith("/dist/app.js")), "the framed page loaded");

      // Served without those headers, framed: the page says so and takes no key.
      const TYPES: Record<string, string> = {
        ".html": "text/html",
        ".css": "text/css",
        ".js": "text/javascript",
      };
      const framed = await browser.newPage();
      await framed.route("http://framed.test/**", async (route) => {
        const path = new URL(route.request().url()).pathname;
        if (path === "/framer.html") {
          return await route.fulfill({
            contentType: "text/html",
            body: `<!doctype html><iframe src="/" width="800" height="600"></iframe>`,
          });
        }
        const file = path === "/" ? "/index.html" : path;
        if (!(extname(file) in TYPES)) return await route.abort();
        await route.fulfill({
          contentType: TYPES[extname(file)],
          body: readFileSync(join(pageDir(), file)),
        });
      });
      await framed.goto("http://framed.test/framer.html");
      const frame = framed.frameLocator("iframe");
      await frame.locator("#framed").waitFor({ state: "visible" });
      assert(await frame.locator("#gen-key").isDisabled());
      assert(await frame.locator("#verify-key").isDisabled());
      // On its own, the same page takes a key.
      await framed.goto("http://framed.test/");
      await framed.locator("#loading").waitFor({ state: "hidden" });
      assert(await framed.locator("#framed").isHidden());
    } finally {
      await browser.close();
      await server.close();
    }
  },
  NODE_ONLY,
);

test(
  "browser page's masked key follows an IME after a Backspace that changed nothing, and refuses autofill into bullets",
  async () => {
    await withPage({}, async ({ page, secrets }) => {
      secrets.push("secretZ", "abcXY", "autofilled", "replaced");
      const key = page.locator("#gen-key");
      const cdp = await page.context().newCDPSession(page);
      const compose = async (text: string) => {
        await cdp.send("Input.imeSetComposition", {
          text: text.toLowerCase(),
          selectionStart: text.length,
          selectionEnd: text.length,
        });
        await cdp.send("Input.insertText", { text });
      };
      const generated = async (user: string) => {
        await page.locator("#gen-app").fill("1400000000");
        await page.locator("#gen-user").fill(user);
        await page.getByRole("button", { name: "Generate" }).click();
        await page.locator("#gen-status").getByText("Generated.").waitFor();
        return await page.locator("#gen-ticket").inputValue();
      };
      // Backspace at the start changes nothing: Chromium fires beforeinput but no input.
      await key.pressSequentially("secret");
      await key.press("Home");
      await key.press("Backspace");
      await key.press("End");
      await compose("Z");
      assertEquals(await key.inputValue(), "•".repeat(7));
      await new TLSSigAPIv2(1400000000, "secretZ").verifyUserSig(await generated("ime"), "ime");

      // A composition in the middle of typing.
      await key.fill("");
      await key.pressSequentially("abc");
      await compose("XY");
      await new TLSSigAPIv2(1400000000, "abcXY").verifyUserSig(await generated("ime2"), "ime2");

      // A value set without an edit event (autofill, an extension): taken whole
      // into an empty field; into bullets, where it cannot be told apart, refused.
      await key.fill("");
      const setValue = (text: string, append = false) =>
        key.evaluate((input: HTMLInputElement, [text, append]) => {
          input.value = append ? input.value + text : text;
          input.dispatchEvent(new Event("input"));
        }, [text, append] as const);
      await setValue("autofilled");
      assertEquals(await key.inputValue(), "•".repeat(10));
      await new TLSSigAPIv2(1400000000, "autofilled").verifyUserSig(await generated("af"), "af");
      await setValue("X", true);
      assertEquals(await key.inputValue(), "", "bullets and text taken as a key");
      await page.getByRole("button", { name: "Generate" }).click();
      assertEquals(await page.evaluate(() => document.activeElement?.id), "gen-key");
      // Nor is such a change applied where a Backspace that changed nothing was.
      await key.pressSequentially("secret");
      await key.press("Home");
      await key.press("Backspace");
      await setValue("replaced");
      await new TLSSigAPIv2(1400000000, "replaced").verifyUserSig(await generated("af2"), "af2");
    });
  },
  NODE_ONLY,
);

test("browser page's key fields stay disabled when its script does not run", async () => {
  const { launchChromium } = await import("./chromium.ts");
  const browser = await launchChromium();
  try {
    // From a file: URL, browsers refuse the module script.
    const page = await browser.newPage();
    await page.goto(`file://${join(pageDir(), "index.html")}`);
    await page.waitForLoadState("load");
    assert(await page.locator("#loading").isVisible(), "the script ran");
    for (const id of ["#gen-key", "#verify-key"]) {
      assert(await page.locator(id).isDisabled(), `${id} takes a key unmasked`);
    }
  } finally {
    await browser.close();
  }
  // Served, the script masks them and enables them.
  await withPage({}, async ({ page }) => {
    assert(await page.locator("#gen-key").isEnabled());
    await page.getByLabel("UserSig or PrivateMapKey").fill(pmk.userSig);
    assert(await page.locator("#verify-key").isEnabled());
  });
}, NODE_ONLY);

test(
  "browser page shows a TLS.ver with a line break and invisible characters escaped, and names a v1 ticket",
  async () => {
    const key = "page-hostile-key-7d20";
    const now = Math.floor(Date.now() / 1000);
    const doc = {
      "TLS.ver": "2.0",
      "TLS.identifier": "al\u200bice\u2060\ufeff",
      "TLS.sdkappid": 1400000000,
      "TLS.time": now,
      "TLS.expire": 600,
    };
    const hidden = await signTicket(doc, key);
    const version = await signTicket({ ...doc, "TLS.ver": "x\nvalid: UserSig" }, key);
    await withPage({}, async ({ page, secrets }) => {
      secrets.push(key);
      const ticket = page.getByLabel("UserSig or PrivateMapKey");
      await ticket.fill(hidden);
      assertEquals((await fields(page))["user"], "al\\u200bice\\u2060\\ufeff");
      await ticket.fill(version);
      const error = (await page.locator("#inspect-error").textContent())!;
      assert(error.startsWith("ERR_USERSIG_UNSUPPORTED_VERSION: the ticket's version"), error);
      assert(error.includes('"x\\u000avalid: UserSig"') && !error.includes("v1"), error);

      const legacy = v1.vectors[0];
      await ticket.fill(legacy.userSig);
      await page.locator("#verify-key").fill(key);
      await page.getByRole("button", { name: "Verify" }).click();
      await page.locator("#verify-result.bad").waitFor();
      const result = (await page.locator("#verify-result").textContent())!;
      assert(
        result.startsWith(
          "Not valid: ERR_USERSIG_UNSUPPORTED_VERSION: this is a v1 (ECDSA) ticket",
        ),
        result,
      );
      assert(
        result.endsWith(
          "Tencent answers it with 70016 (IM server / REST API), -100018 (TRTC native), -10013 (TRTC web).",
        ),
        result,
      );
    });
  },
  NODE_ONLY,
);
