// deno-lint-ignore-file no-console -- benchmarks print their figures
/**
 * `deno task bench`: runs every `bench/*_bench.ts` in its own process, one
 * after the other, and lets each print its figures. Benchmarks never assert
 * timings. Each gets `BENCH_DATABASE_URL` when `TEST_DATABASE_URL` is set;
 * otherwise it starts what it needs itself.
 */
const dir = new URL("./", import.meta.url);
const only = Deno.args[0];
const files = [...Deno.readDirSync(dir)].map((e) => e.name)
  .filter((n) => n.endsWith("_bench.ts") && (!only || n.includes(only))).sort();
let failed = 0;
for (const name of files) {
  console.log(`\n## ${name}`);
  const res = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL(name, dir).pathname],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!res.success) failed++;
}
Deno.exit(failed ? 1 : 0);
