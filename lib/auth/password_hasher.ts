/**
 * argon2id password hashing (`@node-rs/argon2`, which runs off the main
 * thread). The parameters are stored in each PHC string, so raising them in
 * the configuration upgrades each user's hash at their next login.
 */
import { type Algorithm, hash, verify } from "@node-rs/argon2";

// `Algorithm` is an ambient const enum, which isolated modules cannot read: Argon2id is 2.
const ARGON2ID = 2 as Algorithm;

/** OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane. */
export const MIN_ARGON2 = { memoryKiB: 19456, timeCost: 2, parallelism: 1 } as const;

/** Parameters of new hashes. */
export interface Argon2Params {
  memoryKiB: number;
  timeCost: number;
}

/** Hashes and verifies passwords. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** True when `password` matches `phc`; false (never a throw) for a malformed hash. */
  verify(phc: string, password: string): Promise<boolean>;
  /** True when `phc` was made with weaker parameters (or another algorithm) than now configured. */
  needsRehash(phc: string): boolean;
  /**
   * Spends the time of one verification without a user: called for unknown
   * usernames so the response time does not tell whether the user exists.
   */
  verifyDummy(password: string): Promise<void>;
}

const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/;

/** Parses the parameters of an argon2id PHC string. */
export function parseArgon2Params(
  phc: string,
): { memoryKiB: number; timeCost: number; parallelism: number } | undefined {
  const m = PHC.exec(phc);
  return m ? { memoryKiB: +m[1], timeCost: +m[2], parallelism: +m[3] } : undefined;
}

/** Creates a hasher; parameters below {@linkcode MIN_ARGON2} are raised to it. */
export function createPasswordHasher(params: Partial<Argon2Params> = {}): PasswordHasher {
  const memoryKiB = Math.max(params.memoryKiB ?? 0, MIN_ARGON2.memoryKiB);
  const timeCost = Math.max(params.timeCost ?? 0, MIN_ARGON2.timeCost);
  const options = {
    algorithm: ARGON2ID,
    memoryCost: memoryKiB,
    timeCost,
    parallelism: MIN_ARGON2.parallelism,
  };
  let dummy: Promise<string> | undefined;
  const hasher: PasswordHasher = {
    hash: (password) => hash(password, options),
    async verify(phc, password) {
      try {
        return await verify(phc, password);
      } catch {
        return false;
      }
    },
    needsRehash(phc) {
      const p = parseArgon2Params(phc);
      return !p || p.memoryKiB < memoryKiB || p.timeCost < timeCost ||
        p.parallelism !== MIN_ARGON2.parallelism;
    },
    async verifyDummy(password) {
      dummy ??= hash(crypto.randomUUID(), options);
      await hasher.verify(await dummy, password);
    },
  };
  return hasher;
}
