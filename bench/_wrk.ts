/**
 * Load for the HTTP benchmarks: wrk (`--latency`) when it is installed, else
 * an in-process generator built on `fetch`. wrk is the better yardstick: it
 * is written in C and costs the machine far less per request than `fetch`,
 * so more of the CPU goes to the server being measured.
 */

/** What one load run measured. */
export interface LoadResult {
  rps: number;
  /** Responses received. */
  requests: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses that were not 2xx/3xx, plus socket errors. */
  errors: number;
  tool: "wrk" | "fetch";
}

/** Options of {@linkcode runLoad}. */
export interface LoadOptions {
  connections: number;
  durationMs: number;
  headers?: Record<string, string>;
  /** wrk threads. Default 2. */
  threads?: number;
}

/** The path of wrk if it is on PATH (or /usr/bin/wrk), else undefined. */
export function findWrk(): string | undefined {
  const dirs = (Deno.env.get("PATH") ?? "").split(":").concat("/usr/bin");
  for (const d of dirs) {
    try {
      if (d && Deno.statSync(`${d}/wrk`).isFile) return `${d}/wrk`;
    } catch { /* not there */ }
  }
  return undefined;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** A wrk duration such as `305.00us`, `1.20ms` or `2.01s`, in milliseconds. */
export function parseWrkDuration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) throw new Error(`unreadable wrk duration ${JSON.stringify(text)}`);
  return Number(m[1]) * UNIT_MS[m[2]];
}

/** The figures of one `wrk --latency` report. */
export function parseWrkOutput(out: string): Omit<LoadResult, "tool"> {
  const pick = (re: RegExp) => {
    const m = re.exec(out);
    if (!m) throw new Error(`wrk output lacks ${re}:\n${out}`);
    return m[1];
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  return {
    rps: Number(pick(/Requests\/sec:\s+([\d.]+)/)),
    requests: Number(pick(/(\d+) requests in/)),
    p50Ms: parseWrkDuration(pick(/^\s+50%\s+(\S+)/m)),
    p99Ms: parseWrkDuration(pick(/^\s+99%\s+(\S+)/m)),
    errors: (non2xx ? Number(non2xx[1]) : 0) +
      (socket ? socket.slice(1).reduce((n, x) => n + Number(x), 0) : 0),
  };
}

async function wrk(path: string, url: string, o: LoadOptions): Promise<LoadResult> {
  const args = [
    `-t${o.threads ?? 2}`,
    `-c${o.connections}`,
    `-d${Math.round(o.durationMs / 1000)}s`,
    "--latency",
  ];
  for (const [k, v] of Object.entries(o.headers ?? {})) args.push("-H", `${k}: ${v}`);
  const res = await new Deno.Command(path, { args: [...args, url], stdout: "piped" }).output();
  const out = new TextDecoder().decode(res.stdout);
  if (!res.success) throw new Error(`wrk failed:\n${out}`);
  return { ...parseWrkOutput(out), tool: "wrk" };
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function fetchLoad(url: string, o: LoadOptions): Promise<LoadResult> {
  const times: number[] = [];
  let errors = 0;
  const end = performance.now() + o.durationMs;
  const client = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      const res = await fetch(url, { headers: o.headers });
      await res.arrayBuffer();
      if (res.status >= 400) errors++;
      times.push(performance.now() - t);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: o.connections }, client));
  const seconds = (performance.now() - t0) / 1000;
  return {
    rps: times.length / seconds,
    requests: times.length,
    p50Ms: pct(times, 0.5),
    p99Ms: pct(times, 0.99),
    errors,
    tool: "fetch",
  };
}

/** Puts `url` under load for `durationMs` with `connections` concurrent clients. */
export function runLoad(url: string, options: LoadOptions): Promise<LoadResult> {
  const path = findWrk();
  return path ? wrk(path, url, options) : fetchLoad(url, options);
}
