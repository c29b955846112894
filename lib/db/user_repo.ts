/** SQL of the `users` and `user_roles` tables. */
import type { Queryable } from "./client.ts";
import type { User } from "../model/account.ts";
import { hasPrimaryFactorSql } from "./mfa_repo.ts";

/** A user with the secret columns the auth services need. */
export interface UserRecord extends User {
  passwordHash: string;
  passwordChangedAt: Date;
}

/** Fields of a new user. */
export interface NewUser {
  username: string;
  displayName: string | null;
  email: string | null;
  passwordHash: string;
  now: Date;
}

/** Changeable profile fields; `undefined` leaves a field alone. */
export interface UserChanges {
  username?: string;
  displayName?: string | null;
  email?: string | null;
  language?: string | null;
}

/** What one user holds: for the permission cache. */
export interface UserAccess {
  username: string;
  disabled: boolean;
  permissions: string[];
  libraryIds: string[];
  /** A role of the user requires a second factor. */
  mfaRequired: boolean;
  /** Logging in asks for a second factor (the switch is on and a primary factor enrolled). */
  mfaActive: boolean;
}

/** The user repository. */
export interface UserRepo {
  count(): Promise<number>;
  insert(u: NewUser): Promise<string>;
  byId(id: string): Promise<UserRecord | undefined>;
  byUsername(username: string): Promise<UserRecord | undefined>;
  list(q: { search?: string; limit: number; offset: number }): Promise<[User[], number]>;
  update(id: string, changes: UserChanges, now: Date): Promise<void>;
  setPasswordHash(id: string, hash: string, now: Date, changed: boolean): Promise<void>;
  setDisabled(id: string, disabled: boolean, now: Date): Promise<void>;
  setLastLogin(id: string, now: Date): Promise<void>;
  delete(id: string): Promise<void>;
  setRoles(id: string, roles: string[]): Promise<void>;
  access(id: string): Promise<UserAccess | undefined>;
  /** Enabled users holding `*:*` other than `exceptId`. */
  countOtherAdmins(exceptId: string): Promise<number>;
  /**
   * Serialises, until the transaction ends, the changes that must see each
   * other: concurrent first-run setups, and changes that could remove the last
   * administrator (two admins demoting each other at once).
   */
  lock(what: "setup" | "admins"): Promise<void>;
}

// Advisory lock keys: any constants; these spell "setup" and "admins".
const LOCKS = { setup: 0x7365747570, admins: 0x61646d696e73 } as const;

// Every read goes through this list so a new column cannot leak into one query and not another.
const COLUMNS = (q: Queryable) =>
  q`u.id, u.username, u.display_name as "displayName", u.email, u.language, u.password_hash as "passwordHash",
    u.disabled_at is not null as disabled, u.created_at as "createdAt",
    u.updated_at as "updatedAt", u.last_login_at as "lastLoginAt",
    u.password_changed_at as "passwordChangedAt",
    array(select role_name from user_roles r where r.user_id = u.id order by role_name) as roles`;

function publicUser(r: UserRecord): User {
  const { passwordHash: _h, passwordChangedAt: _p, ...user } = r;
  return user;
}

/** Creates the user repository on a pool or transaction. */
export function createUserRepo(q: Queryable): UserRepo {
  return {
    async count() {
      const [r] = await q<{ n: number }[]>`select count(*)::int as n from users`;
      return r.n;
    },
    async insert(u) {
      const [r] = await q<{ id: string }[]>`
        insert into users (username, display_name, email, password_hash, password_changed_at,
                           created_at, updated_at)
        values (${u.username}, ${u.displayName}, ${u.email}, ${u.passwordHash}, ${u.now},
                ${u.now}, ${u.now})
        returning id`;
      return r.id;
    },
    async byId(id) {
      const [r] = await q<UserRecord[]>`select ${COLUMNS(q)} from users u where u.id = ${id}`;
      return r;
    },
    async byUsername(username) {
      // lower(): served by users_username_key.
      const [r] = await q<UserRecord[]>`
        select ${COLUMNS(q)} from users u where lower(u.username) = lower(${username})`;
      return r;
    },
    async list({ search, limit, offset }) {
      const pattern = search ? `%${search.toLowerCase().replace(/[\\%_]/g, "\\$&")}%` : null;
      const where = pattern
        ? q`where lower(u.username || ' ' || coalesce(u.display_name, '') || ' ' ||
                       coalesce(u.email, '')) like ${pattern}`
        : q``;
      // lower(username): the order of users_username_key. The window count carries the
      // total with the page; a page past the end has no row to carry it, so count apart.
      const rows = await q<(UserRecord & { total: number })[]>`
        select ${COLUMNS(q)}, count(*) over ()::int as total from users u ${where}
        order by lower(u.username) limit ${limit} offset ${offset}`;
      const total = rows[0]?.total ??
        (offset > 0
          ? (await q<{ n: number }[]>`select count(*)::int as n from users u ${where}`)[0].n
          : 0);
      return [rows.map(({ total: _t, ...r }) => publicUser(r)), total];
    },
    async update(id, c, now) {
      const set: Record<string, unknown> = { updated_at: now };
      if (c.username !== undefined) set.username = c.username;
      if (c.displayName !== undefined) set.display_name = c.displayName;
      if (c.email !== undefined) set.email = c.email;
      if (c.language !== undefined) set.language = c.language;
      await q`update users set ${q(set)} where id = ${id}`;
    },
    async setPasswordHash(id, hash, now, changed) {
      // A re-hash on login keeps password_changed_at: the password itself did not change.
      await q`
        update users set password_hash = ${hash},
          password_changed_at = case when ${changed} then ${now}::timestamptz
                                     else password_changed_at end,
          updated_at = case when ${changed} then ${now}::timestamptz else updated_at end
        where id = ${id}`;
    },
    async setDisabled(id, disabled, now) {
      await q`
        update users set disabled_at = ${disabled ? now : null}, updated_at = ${now}
        where id = ${id}`;
    },
    async setLastLogin(id, now) {
      await q`update users set last_login_at = ${now} where id = ${id}`;
    },
    async delete(id) {
      await q`delete from users where id = ${id}`;
    },
    async setRoles(id, roles) {
      await q`delete from user_roles where user_id = ${id}`;
      if (roles.length) {
        await q`insert into user_roles ${q(roles.map((r) => ({ user_id: id, role_name: r })))}`;
      }
    },
    async access(id) {
      const [r] = await q<UserAccess[]>`
        select u.username, u.disabled_at is not null as disabled,
          array(select distinct p from user_roles ur join roles ro on ro.name = ur.role_name,
                unnest(ro.permissions) p where ur.user_id = u.id) as permissions,
          array(select g.library_id::text from library_grants g where g.user_id = u.id
                order by g.library_id) as "libraryIds",
          exists (select 1 from user_roles ur join roles ro on ro.name = ur.role_name
                  where ur.user_id = u.id and ro.require_mfa) as "mfaRequired",
          (u.mfa_enabled and ${hasPrimaryFactorSql(q)}) as "mfaActive"
        from users u where u.id = ${id}`;
      return r;
    },
    async lock(what) {
      await q`select pg_advisory_xact_lock(${LOCKS[what]})`;
    },
    async countOtherAdmins(exceptId) {
      const [r] = await q<{ n: number }[]>`
        select count(distinct u.id)::int as n from users u
        join user_roles ur on ur.user_id = u.id join roles ro on ro.name = ur.role_name
        where u.id <> ${exceptId} and u.disabled_at is null and '*:*' = any(ro.permissions)`;
      return r.n;
    },
  };
}
