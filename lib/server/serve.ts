/**
 * Start the HTTP server on a loopback address by default.
 *
 * @module
 */
import { type AppOptions, createApp } from "./app.ts";

/** Options for {@linkcode startServer}. */
export interface ServeOptions extends AppOptions {
  /**
   * Address to listen on. Default `127.0.0.1`, so the API is not reachable
   * from other machines. On a loopback address the Host header must name a
   * loopback host unless `allowedHosts` lists other hosts.
   */
  hostname?: string;
  /** Port; 0 picks a free one. Default 8000. */
  port?: number;
  /** Stops the server when aborted. */
  signal?: AbortSignal;
}

/** A running server. */
export interface RunningServer {
  /** Base URL such as `http://127.0.0.1:8000`. */
  url: string;
  port: number;
  /** Stop accepting requests, stop background runs and wait for open requests to end. */
  shutdown(): Promise<void>;
  /** Settles when the server has stopped. */
  finished: Promise<void>;
}

/**
 * Start the API and site server.
 *
 * @example
 * ```ts
 * const server = await startServer({ store: new FsStore(), port: 0, logger });
 * console.log(server.url);
 * await server.shutdown();
 * ```
 */
export function startServer(options: ServeOptions): Promise<RunningServer> {
  const hostname = options.hostname ?? "127.0.0.1";
  const port = options.port ?? 8000;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`invalid port ${port}: use an integer from 0 to 65535`);
  }
  const loopback = hostname === "localhost" || hostname === "::1" || /^127\./.test(hostname);
  const allowedHosts = options.allowedHosts ??
    (loopback ? ["localhost", "127.0.0.1", "[::1]", hostname] : undefined);
  const app = createApp({ ...options, ...(allowedHosts === undefined ? {} : { allowedHosts }) });
  const logger = app.context.logger;

  const server = Deno.serve({
    hostname,
    port,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onListen: () => {},
  }, app.handler);
  const url = `http://${server.addr.hostname}:${server.addr.port}`;
  logger.info(`server listening on ${url}`, {
    hostname: server.addr.hostname,
    port: server.addr.port,
  });

  const finished = server.finished.then(async () => {
    await app.close();
    logger.info("server stopped", { url });
  });
  return Promise.resolve({
    url,
    port: server.addr.port,
    shutdown: async () => {
      await app.close();
      await server.shutdown();
      await finished;
    },
    finished,
  });
}
