// The portable suite: every file here runs in Deno, Node, Bun, workerd and
// Chromium.
import "./vectors.test.ts";
