import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

// This folder is the app's root, though the repository around it has a lockfile too.
const root = dirname(fileURLToPath(import.meta.url));

const config: NextConfig = { turbopack: { root }, outputFileTracingRoot: root };

export default config;
