/**
 * The password rules (OWASP ASVS 5.0 V6.2): 8 to 1024 characters of any kind,
 * no composition rules, never truncated, not one of the ~18,000 most common
 * passwords of that length, not the username.
 *
 * Unicode: passwords are normalised to NFC before hashing and counting. NFC
 * only merges canonically equivalent sequences (a precomposed "é" and "e" +
 * combining accent look and mean the same, but keyboards and operating
 * systems produce either), so a user can log in from any device, while the
 * password is otherwise used exactly as typed (ASVS 6.2.8: no case folding,
 * no trimming, no compatibility folding as NFKC would do). Length counts code
 * points, so an emoji is one character.
 */
import { dictionary } from "@zxcvbn-ts/language-common";
import { ValidationError } from "../model/errors.ts";

/** Shortest and longest accepted password, in characters (code points after NFC). */
export const PASSWORD_LENGTH = { min: 8, max: 1024 } as const;

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  // Built on first use: decompressing the list takes a few milliseconds.
  common ??= new Set(
    (dictionary["passwords-common"] as string[]).filter((p) =>
      [...p].length >= PASSWORD_LENGTH.min
    ),
  );
  return common;
}

/** The form of a password that is hashed and compared. */
export function normalizePassword(password: string): string {
  return password.normalize("NFC");
}

/** Length check only: for login, where an over-long input must not reach argon2. */
export function passwordLengthOk(password: string): boolean {
  const n = [...normalizePassword(password)].length;
  return n >= 1 && n <= PASSWORD_LENGTH.max;
}

/**
 * Checks a new password; throws {@linkcode ValidationError} with a message
 * the user can act on. `field` names the input in the error.
 */
export function checkNewPassword(
  password: string,
  options: { username?: string; field?: string } = {},
): void {
  const field = options.field ?? "password";
  const n = [...normalizePassword(password)].length;
  const fail = (message: string) => {
    throw new ValidationError(message, { issues: [{ path: `body.${field}`, message }] });
  };
  if (n < PASSWORD_LENGTH.min) fail(`Passwords need at least ${PASSWORD_LENGTH.min} characters.`);
  if (n > PASSWORD_LENGTH.max) {
    fail(`Passwords may have at most ${PASSWORD_LENGTH.max} characters.`);
  }
  if (commonPasswords().has(password.toLowerCase())) {
    fail("This password is one of the most common passwords; choose another.");
  }
  if (options.username && password.toLowerCase() === options.username.toLowerCase()) {
    fail("The password must not be the username.");
  }
}
