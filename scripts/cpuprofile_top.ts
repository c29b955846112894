// deno-lint-ignore-file no-console -- a command-line tool prints its report
/**
 * Summarises a V8 `.cpuprofile` (`deno run --cpu-prof`): the functions with
 * the most self time, and the most inclusive (self plus callees) time, as
 * shares of the sampled time. Profiles are large and machine-specific: read
 * them, do not commit them.
 *
 *   deno run --allow-read scripts/cpuprofile_top.ts <file.cpuprofile> [rows] [filter]
 *
 * `filter` keeps only frames whose URL contains it in the inclusive table
 * (e.g. `lib/` for Revenge's own code).
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function label(f: CallFrame): string {
  const file = f.url.replace(/^file:\/\/.*?\/(lib|routes|node_modules|main\.ts)/, "$1")
    .replace(/^.*node_modules\/\.deno\//, "npm:");
  return `${f.functionName || "(anonymous)"} ${file ? `${file}:${f.lineNumber + 1}` : ""}`.trim();
}

/** Self and inclusive microseconds per frame label. */
export function summarise(p: Profile): { self: Map<string, number>; total: Map<string, number> } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i + 1] ?? 0;
    const leaf = byId.get(id)!;
    const l = label(leaf.callFrame);
    self.set(l, (self.get(l) ?? 0) + dt);
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const x = label(byId.get(n)!.callFrame);
      if (seen.has(x)) continue; // recursion counts once per sample
      seen.add(x);
      total.set(x, (total.get(x) ?? 0) + dt);
    }
  });
  return { self, total };
}

if (import.meta.main) {
  const [file, rowsArg, filter] = Deno.args;
  const rows = Number(rowsArg ?? 30);
  const p = JSON.parse(await Deno.readTextFile(file)) as Profile;
  const { self, total } = summarise(p);
  const all = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = (self.get("(idle)") ?? 0) + (self.get("(program)") ?? 0);
  const pct = (us: number) => `${(100 * us / all).toFixed(1).padStart(5)}%`;
  console.log(`sampled ${(all / 1e6).toFixed(2)} s; (idle)+(program) ${pct(idle)}`);
  const top = (m: Map<string, number>, keep: (l: string) => boolean) =>
    [...m].filter(([l]) => keep(l)).sort((a, b) => b[1] - a[1]).slice(0, rows);
  console.log("\nself time:");
  for (const [l, us] of top(self, () => true)) console.log(`${pct(us)}  ${l}`);
  console.log(`\ninclusive time${filter ? ` (frames matching ${filter})` : ""}:`);
  for (const [l, us] of top(total, (l) => !filter || l.includes(filter))) {
    console.log(`${pct(us)}  ${l}`);
  }
}
