/**
 * `ablab serve`: the API and the built site on a loopback port until SIGINT
 * or SIGTERM.
 *
 * @module
 */
import { parseCommandArgs, parseIntegerFlag } from "../cli/args.ts";
import type { Command } from "../cli/command.ts";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from "../cli/errors.ts";
import { consoleLogger, writeStderr } from "../cli/console_logger.ts";
import { FsStore } from "../store/fs_store.ts";
import { startServer } from "./serve.ts";

const USAGE =
  `Usage: ablab serve [--host ADDR] [--port N] [--out DIR] [--site DIR] [--allow-origin URL]...

Serves the HTTP API and the built site until interrupted.

Options:
  --host ADDR          address to listen on (default 127.0.0.1; other addresses expose the API)
  --port N             port, 0 for any free one (default 8000)
  --out DIR            folder that holds the runs (default runs)
  --site DIR           built site to serve (default site/dist, skipped when missing)
  --allow-origin URL   another origin whose pages may call the API (CORS); repeatable
  --rate N             requests per second per client after a burst of 2N (default 100)

Environment:
  ABLAB_TOKEN          when set, every write route requires "Authorization: Bearer <token>"`;

/** The `serve` subcommand. */
export const serveCommand: Command = {
  summary: "serve the HTTP API and the report site",
  usage: USAGE,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(args, {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "8000" },
      out: { type: "string", default: "runs" },
      site: { type: "string", default: "site/dist" },
      "allow-origin": { type: "string", multiple: true, default: [] },
      rate: { type: "string", default: "100" },
    }, USAGE);
    if (positionals.length > 0) {
      throw new UsageError(`unexpected arguments: ${positionals.join(" ")}\n${USAGE}`);
    }
    const port = parseIntegerFlag("port", values.port, { min: 0, max: 65_535 })!;
    const rate = parseIntegerFlag("rate", values.rate, { min: 1, max: 1_000_000 })!;
    for (const origin of values["allow-origin"]) {
      if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
        throw new UsageError(
          `invalid --allow-origin "${origin}": expected an origin such as https://example.org`,
        );
      }
    }

    const siteDir = await isDirectory(values.site) ? values.site : undefined;
    if (siteDir === undefined) {
      context.logger.warn(`no built site at ${values.site}; serving the API only`);
    }
    const token = Deno.env.get("ABLAB_TOKEN");
    const store = new FsStore({ root: values.out, logger: context.logger });
    const stop = new AbortController();
    const server = await startServer({
      store,
      hostname: values.host,
      port,
      logger: context.logger,
      env: Deno.env.toObject(),
      allowedOrigins: values["allow-origin"],
      rateLimit: { burst: 2 * rate, perSecond: rate },
      signal: stop.signal,
      ...(token === undefined || token === "" ? {} : { token }),
      ...(siteDir === undefined ? {} : { siteDir }),
    });

    // Stop on the first signal: finish open requests, stop runs, close the store.
    const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
    const onSignal = () => {
      context.logger.info("stopping the server");
      server.shutdown().catch((error) =>
        context.logger.error("shutdown failed", { error: String(error) })
      );
    };
    for (const name of signals) Deno.addSignalListener(name, onSignal);
    await server.finished;
    for (const name of signals) Deno.removeSignalListener(name, onSignal);
    await store.close();
    return EXIT_OK;
  },
};

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

// Runnable on its own, so tests can start the server as a subprocess without the whole CLI.
if (import.meta.main) {
  const debug = Deno.args.includes("--debug");
  const logger = consoleLogger({ debug });
  const io = {
    stdout: (text: string) => void Deno.stdout.writeSync(new TextEncoder().encode(text)),
    stderr: writeStderr,
    isTty: false,
  };
  try {
    Deno.exit(await serveCommand.run(Deno.args, { io, debug, logger }));
  } catch (error) {
    writeStderr(`error: ${error instanceof Error ? error.message : String(error)}`);
    Deno.exit(error instanceof UsageError ? EXIT_USAGE : EXIT_FAILED);
  }
}
