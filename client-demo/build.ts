/**
 * Bundles the browser demo with esbuild: client-demo/src/standalone/main.ts (the chat app) and
 * client-demo/src/operator.ts (the operator panel) into client-demo/dist/, ChatClient and
 * @colyseus/sdk included (nothing is loaded from a CDN). Run `tsx client-demo/build.ts`
 * (npm run build:demo); the e2e tests call {@link buildDemo} themselves.
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";

const DEMO_DIR = __dirname;

/** Where the bundles go (served at /dist/ by src/standalone/demoRoutes.ts). */
export const DIST_DIR = path.join(DEMO_DIR, "dist");

/**
 * Builds both bundles (minified, with source maps) and resolves with the files written; rejects
 * with esbuild's errors. Each file is written under a temporary name and renamed into place, so
 * a server reading dist/ while another process rebuilds it (parallel test workers) never serves
 * half a file.
 */
export async function buildDemo(): Promise<string[]> {
  const result = await build({
    entryPoints: [path.join(DEMO_DIR, "src", "main.ts"), path.join(DEMO_DIR, "src", "operator.ts")],
    outdir: DIST_DIR,
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify: true,
    sourcemap: true,
    logLevel: "warning",
    write: false,
  });
  await mkdir(DIST_DIR, { recursive: true });
  await Promise.all(
    result.outputFiles.map(async (file) => {
      const temporary = `${file.path}.${process.pid}.tmp`;
      await writeFile(temporary, file.contents);
      await rename(temporary, file.path);
    }),
  );
  return result.outputFiles.map((file) => path.relative(DEMO_DIR, file.path));
}

if (require.main === module) {
  buildDemo().then(
    (files) => console.log(`client-demo built: ${files.join(", ")}`),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
