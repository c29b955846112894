/** Creating a user, shared by setup, registration and the admin API. */
import type { Tx } from "../db/client.ts";
import { createRoleRepo } from "../db/role_repo.ts";
import { createUserRepo } from "../db/user_repo.ts";
import { USERNAME_PATTERN } from "../model/account.ts";
import { ConflictError, ValidationError } from "../model/errors.ts";
import type { PasswordHasher } from "./password_hasher.ts";
import { checkNewPassword, normalizePassword } from "./password_policy.ts";
import { emitNotification } from "../notifications/emit.ts";

/** Input of {@linkcode insertUser}. */
export interface CreateUserInput {
  username: string;
  password: string;
  displayName?: string | null;
  email?: string | null;
  roles: string[];
}

/** Throws a {@linkcode ValidationError} naming the unknown roles, if any; returns the roles. */
export async function requireRoles(tx: Tx, names: string[]) {
  const found = await createRoleRepo(tx).existing(names);
  const missing = names.filter((n) => !found.some((r) => r.name === n));
  if (missing.length) {
    throw new ValidationError(`Unknown role(s): ${missing.join(", ")}.`, {
      issues: [{ path: "body.roles", message: `unknown: ${missing.join(", ")}` }],
    });
  }
  return found;
}

/** True for PostgreSQL's unique_violation. */
export function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string } | null)?.code === "23505";
}

/** Validates and inserts a user with roles; returns the new id. */
export async function insertUser(
  tx: Tx,
  hasher: PasswordHasher,
  input: CreateUserInput,
  now: Date,
): Promise<string> {
  if (!USERNAME_PATTERN.test(input.username)) {
    throw new ValidationError("Usernames have 2 to 64 letters, digits, '.', '_' or '-'.");
  }
  checkNewPassword(input.password, { username: input.username });
  await requireRoles(tx, input.roles);
  const users = createUserRepo(tx);
  if (await users.byUsername(input.username)) {
    throw new ConflictError(`The username ${input.username} is taken.`);
  }
  let id: string;
  try {
    id = await users.insert({
      username: input.username,
      displayName: input.displayName ?? null,
      email: input.email ?? null,
      passwordHash: await hasher.hash(normalizePassword(input.password)),
      now,
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError("The username or e-mail is taken.");
    throw e;
  }
  await users.setRoles(id, [...new Set(input.roles)]);
  const fields = { username: input.username, displayName: input.displayName ?? null };
  await emitNotification(tx, { type: "user.created", at: now, userId: id, fields });
  return id;
}
