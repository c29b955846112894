/**
 * Backup codes: 10 codes of 16 characters from a 32-letter alphabet without
 * look-alikes (80 bits each, from the CSPRNG), shown once as `xxxx-xxxx-xxxx-xxxx`.
 * Only a SHA-256 of each is stored, salted with the user id. A slow hash
 * (argon2) is for low-entropy secrets: nobody can search 2^80 candidates,
 * however fast each try is. And a hash salted per user rather than per code
 * lets a redemption find its row directly and delete it in one atomic
 * statement, where argon2's random salts would mean trying every stored hash.
 */
import { createHash } from "node:crypto";

/** How many codes a set has. */
export const BACKUP_CODE_COUNT = 10;

// Crockford's base32 in lower case: no i, l, o, u.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const LENGTH = 16;

/** A new set of codes, as shown to the user. */
export function newBackupCodes(count = BACKUP_CODE_COUNT): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    // 32 letters: each byte's low 5 bits are uniform.
    const bytes = crypto.getRandomValues(new Uint8Array(LENGTH));
    const raw = Array.from(bytes, (b) => ALPHABET[b & 31]).join("");
    codes.add(raw.match(/.{4}/g)!.join("-"));
  }
  return [...codes];
}

/**
 * A code as typed, canonical: lower case, without spaces and dashes, with
 * the letters people confuse read as the digits they look like.
 */
export function normalizeBackupCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, "").replace(/[ilo]/g, (c) => c === "o" ? "0" : "1");
}

/** The stored hash of `code` for `userId`. */
export function hashBackupCode(userId: string, code: string): Uint8Array {
  return new Uint8Array(
    createHash("sha256").update(`revenge-backup-code-v1\0${userId}\0${normalizeBackupCode(code)}`)
      .digest(),
  );
}
