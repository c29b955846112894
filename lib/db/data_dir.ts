/** Makes sure the data dir exists and is writable, with an error that says which and why. */

/** Raised when the data dir cannot be used; the message is one printable line. */
export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataDirError";
  }
}

/** Creates `dir` if needed and proves it writable by writing a probe file. */
export async function ensureDataDir(dir: string): Promise<void> {
  const probe = `${dir}/.write-test-${crypto.randomUUID()}`;
  try {
    await Deno.mkdir(dir, { recursive: true, mode: 0o750 });
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (e) {
    const why = e instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : e instanceof Deno.errors.NotADirectory || e instanceof Deno.errors.AlreadyExists
      ? "a path component is not a directory"
      : (e as Error).message.replace(/,? *(mkdir|open|remove) '.*$/, "");
    throw new DataDirError(`REVENGE_DATA_DIR: ${dir} is not writable (${why})`);
  }
}
