/**
 * Bundles a browser entry point with esbuild into one minified ES module,
 * mapping `node:path` to a small POSIX shim.
 *
 * @module
 */
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";

const PATH_SHIM = fileURLToPath(new URL("./path_shim.ts", import.meta.url));

/**
 * Bundles `entry` for the browser and returns the module's source.
 *
 * @param entry Absolute path of the entry module.
 * @throws {Error} When esbuild reports an error, with its messages.
 */
export async function bundleForBrowser(entry: string): Promise<string> {
  try {
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: ["es2022"],
      minify: true,
      keepNames: true,
      write: false,
      logLevel: "silent",
      plugins: [{
        name: "node-path-shim",
        setup(build) {
          build.onResolve({ filter: /^(node:)?path$/ }, () => ({ path: PATH_SHIM }));
        },
      }],
    });
    const output = result.outputFiles[0];
    if (output === undefined) throw new Error(`esbuild wrote no output for ${entry}`);
    return output.text;
  } finally {
    await esbuild.stop();
  }
}
