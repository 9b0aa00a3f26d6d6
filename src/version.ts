// This module is browser compatible.
import meta from "../deno.json" with { type: "json" };

/** This package's version, as `deno.json` states it: the one place it is written. */
export const VERSION: string = meta.version;
