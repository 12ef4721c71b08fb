/**
 * The machine a benchmark ran on, read from /proc, so every recorded figure
 * carries its hardware and the load it ran under.
 *
 * @module
 */

/** Hardware, runtime and load at the start of a benchmark. */
export interface Machine {
  /** Logical CPUs available to this process. */
  nproc: number;
  /** `model name` of the first CPU in /proc/cpuinfo. */
  cpuModel: string;
  /** MemTotal from /proc/meminfo, bytes. */
  memoryBytes: number;
  /** 1-minute load average from /proc/loadavg when the benchmark started. */
  loadAverage: number;
  deno: string;
  /** `node --version`, for promptfoo. */
  node: string;
}

function readProc(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

/** Reads the machine description now. */
export function describeMachine(): Machine {
  const cpuinfo = readProc("/proc/cpuinfo");
  const meminfo = readProc("/proc/meminfo");
  const memKb = /^MemTotal:\s+(\d+) kB/m.exec(meminfo)?.[1];
  let node = "not found";
  try {
    const output = new Deno.Command("node", { args: ["--version"], stdout: "piped" }).outputSync();
    node = new TextDecoder().decode(output.stdout).trim();
  } catch {
    // Node is only needed for promptfoo.
  }
  return {
    nproc: navigator.hardwareConcurrency,
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    memoryBytes: memKb === undefined ? NaN : Number(memKb) * 1024,
    loadAverage: Number(readProc("/proc/loadavg").split(" ")[0] ?? NaN),
    deno: Deno.version.deno,
    node,
  };
}

/** Formats the machine as one line, such as `2 CPUs (AMD EPYC), 23.5 GiB RAM, load average 1.2 at start, Deno 2.9.6, Node v20.20.2`. */
export function formatMachine(machine: Machine): string {
  return `${machine.nproc} CPUs (${machine.cpuModel}), ` +
    `${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB RAM, ` +
    `load average ${machine.loadAverage.toFixed(1)} at start, ` +
    `Deno ${machine.deno}, Node ${machine.node}`;
}
