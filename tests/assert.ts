/**
 * Small assertion helpers (`@std/assert` is JSR-only, which our machines
 * cannot reach); built on `node:assert`'s deep equality.
 */
import { AssertionError, deepStrictEqual } from "node:assert";

/** Fails unless `actual` deep-equals `expected`. */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  deepStrictEqual(actual, expected, msg);
}

/** Fails if `actual` deep-equals `expected`. */
export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  try {
    deepStrictEqual(actual, expected);
  } catch {
    return;
  }
  throw new AssertionError({ message: msg ?? `expected values to differ: ${String(actual)}` });
}

/** Fails unless `cond` is truthy. */
export function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new AssertionError({ message: msg });
}

/** Fails unless `s` matches `re`. */
export function assertMatch(s: string, re: RegExp, msg?: string): void {
  if (!re.test(s)) throw new AssertionError({ message: msg ?? `${JSON.stringify(s)} !~ ${re}` });
}

type Ctor<E> = new (...args: never[]) => E;

function check<E extends Error>(e: unknown, cls?: Ctor<E>, includes?: string): E {
  if (cls && !(e instanceof cls)) {
    throw new AssertionError({ message: `expected ${cls.name}, got ${String(e)}` });
  }
  if (includes && !(e as Error).message.includes(includes)) {
    throw new AssertionError({
      message: `error message ${JSON.stringify((e as Error).message)} lacks ${includes}`,
    });
  }
  return e as E;
}

/** Fails unless `fn` throws (an instance of `cls`, whose message includes `includes`). */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  cls?: Ctor<E>,
  includes?: string,
): E {
  try {
    fn();
  } catch (e) {
    return check(e, cls, includes);
  }
  throw new AssertionError({ message: "expected function to throw" });
}

/** Fails unless `fn` rejects (with an instance of `cls`, whose message includes `includes`). */
export async function assertRejects<E extends Error = Error>(
  fn: () => Promise<unknown>,
  cls?: Ctor<E>,
  includes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (e) {
    return check(e, cls, includes);
  }
  throw new AssertionError({ message: "expected promise to reject" });
}
