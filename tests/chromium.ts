// Launches the machine's Chromium headless through playwright-core, with the
// flags that keep it off the network. Used by the Chromium runner and by the
// browser page's tests (Node only).
import { chromium } from "playwright-core";

/** Where Debian's `chromium` package puts the browser; CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH: string =
  (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env
    .CHROMIUM_PATH ?? "/usr/bin/chromium";

/** A headless Chromium that makes no connection of its own. */
export function launchChromium(): ReturnType<typeof chromium.launch> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
