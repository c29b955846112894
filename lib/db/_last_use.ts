/** A recorded use of a session or API key, and how a batch of them is sent. */

/** One use of a session or API key. */
export interface LastUse {
  id: string;
  at: Date;
  clientIp: string | null;
}

/** Uses as the three arrays that `touchMany` sends to `unnest()`. */
export function columns(uses: readonly LastUse[]) {
  return {
    ids: uses.map((u) => u.id),
    ats: uses.map((u) => u.at.toISOString()),
    // postgres.js types an array by its elements: keep the type a string[].
    ips: uses.map((u) => u.clientIp) as string[],
  };
}
