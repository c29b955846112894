/** SQL of the `roles` table. */
import type { Queryable } from "./client.ts";
import type { Role } from "../model/account.ts";

/** The role repository. */
export interface RoleRepo {
  list(): Promise<Role[]>;
  byName(name: string): Promise<Role | undefined>;
  /** The roles among `names` that exist. */
  existing(names: string[]): Promise<Role[]>;
  insert(r: { name: string; description: string; permissions: string[] }): Promise<boolean>;
  setPermissions(name: string, permissions: string[]): Promise<void>;
  setRequireMfa(name: string, required: boolean): Promise<void>;
  delete(name: string): Promise<void>;
}

const COLUMNS = (q: Queryable) =>
  q`r.name, r.description, r.permissions, r.builtin, r.require_mfa as "requireMfa",
    (select count(*)::int from user_roles ur where ur.role_name = r.name) as "userCount"`;

/** Creates the role repository on a pool or transaction. */
export function createRoleRepo(q: Queryable): RoleRepo {
  return {
    list() {
      return q<Role[]>`select ${COLUMNS(q)} from roles r order by r.builtin desc, r.name`;
    },
    async byName(name) {
      const [r] = await q<Role[]>`select ${COLUMNS(q)} from roles r where r.name = ${name}`;
      return r;
    },
    existing(names) {
      return q<Role[]>`select ${COLUMNS(q)} from roles r where r.name = any(${names})`;
    },
    async insert(r) {
      // do nothing: a duplicate name is reported by the caller as a conflict.
      const rows = await q`
        insert into roles (name, description, permissions)
        values (${r.name}, ${r.description}, ${r.permissions})
        on conflict (name) do nothing returning name`;
      return rows.length === 1;
    },
    async setPermissions(name, permissions) {
      await q`update roles set permissions = ${permissions}, updated_at = now() where name = ${name}`;
    },
    async setRequireMfa(name, required) {
      await q`update roles set require_mfa = ${required}, updated_at = now() where name = ${name}`;
    },
    async delete(name) {
      await q`delete from roles where name = ${name}`;
    },
  };
}
