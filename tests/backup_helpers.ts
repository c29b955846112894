/** Runs `main.ts` commands (backup, restore) as subprocesses for the backup tests. */
const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** Runs `deno run -A main.ts ...args`; answers the exit code and stdout+stderr. */
export async function runMain(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN, ...args],
    env: { REVENGE_LOG_FORMAT: "json", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, output: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

/** The backup source of a test database (external to Revenge) and a data dir. */
export function createDatabaseSite(databaseUrl: string, dataDir: string) {
  return { databaseUrl, dataDir };
}
