// A Worker as workerd (miniflare) runs it: bundled by esbuild into one ES
// module with the export conditions workerd resolves (workerd, worker,
// browser), ES2022, in memory. esbuild's and node:process's types need
// @types/node, which Deno's checker does not have here: they are loaded by
// names the checker does not follow. Server runtimes only.
const ESBUILD: string = "esbuild";
const NODE_PROCESS: string = "node:process";
type Build = (options: Record<string, unknown>) => Promise<{ outputFiles: { text: string }[] }>;

/** `entry`, a path from the repository's root, bundled for workerd; the module's text. */
export async function bundleWorker(entry: string): Promise<string> {
  const { build } = (await import(ESBUILD)) as { build: Build };
  const { cwd } = (await import(NODE_PROCESS)) as { cwd(): string };
  const result = await build({
    entryPoints: [`${cwd()}/${entry}`],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}
