/**
 * Run the mock server in its own process, so a benchmark's client does not
 * share an event loop with it. Prints one JSON line `{"url": ..., "openaiBaseUrl": ...}`
 * on stdout once listening, and stops when stdin closes or on SIGTERM.
 *
 *     deno run -A tests/mock_server/serve.ts --latency-ms 50
 *
 * @module
 */
import { parseArgs } from "node:util";
import { startMockServer } from "./mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    "latency-ms": { type: "string", default: "50" },
    "output-words": { type: "string", default: "8" },
  },
});
const latencyMs = Number(values["latency-ms"]);
const outputWords = Number(values["output-words"]);
if (!(latencyMs >= 0)) {
  throw new RangeError(`invalid --latency-ms ${values["latency-ms"]}: expected milliseconds >= 0`);
}
if (!(outputWords >= 1)) {
  throw new RangeError(
    `invalid --output-words ${values["output-words"]}: expected an integer >= 1`,
  );
}

const server = await startMockServer({ latencyMs, outputWords });
console.log(JSON.stringify({ url: server.url, openaiBaseUrl: server.openaiBaseUrl }));

const stop = async () => {
  await server.stop();
  Deno.exit(0);
};
Deno.addSignalListener("SIGTERM", stop);
// Reading until end of input ties the server's life to its parent's pipe.
for await (const _ of Deno.stdin.readable) {
  // Input is ignored.
}
await stop();
