/**
 * First-run setup: while no user exists, the server only offers to create
 * the first administrator. Once done it never reopens (the last
 * administrator cannot be deleted), so "done" is remembered in memory and the
 * hot path costs nothing after setup.
 */
import type { Sql } from "../db/client.ts";
import { createUserRepo } from "../db/user_repo.ts";
import type { AuditContext, User } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import { ConflictError } from "../model/errors.ts";
import type { AccessCache } from "./access_cache.ts";
import type { AuditService } from "./audit_service.ts";
import type { PasswordHasher } from "./password_hasher.ts";
import type { OpenedSession, SessionService } from "./session_service.ts";
import { transact } from "./transact.ts";
import { insertUser } from "./_create_user.ts";

/** Dependencies of {@linkcode createSetupService}. */
export interface SetupServiceDeps {
  sql: Sql;
  clock: Clock;
  cache: AccessCache;
  hasher: PasswordHasher;
  audit: AuditService;
  sessions: SessionService;
}

/** The setup service. */
export interface SetupService {
  /** True while no user exists. */
  isRequired(): Promise<boolean>;
  /** Creates the first administrator and logs them in; 409 once any user exists. */
  complete(
    input: { username: string; password: string },
    ctx: AuditContext,
  ): Promise<OpenedSession & { user: User }>;
}

/** Creates the setup service. */
export function createSetupService(deps: SetupServiceDeps): SetupService {
  const { sql, clock, cache, hasher, audit, sessions } = deps;
  let done = false;
  return {
    async isRequired() {
      if (done) return false;
      done = await createUserRepo(sql).count() > 0;
      return !done;
    },
    async complete(input, ctx) {
      const result = await transact(sql, cache, async (tx) => {
        await createUserRepo(tx).lock("setup");
        if (await createUserRepo(tx).count() > 0) {
          throw new ConflictError("Setup is already complete.");
        }
        const id = await insertUser(tx, hasher, { ...input, roles: ["admin"] }, clock.now());
        const actor = { ...ctx, actorId: id, actorName: input.username };
        await audit.record(tx, actor, {
          action: "setup.completed",
          targetType: "user",
          targetId: id,
          details: { username: input.username },
        });
        const opened = await sessions.open(tx, id, actor);
        const user = await createUserRepo(tx).byId(id);
        const { passwordHash: _h, passwordChangedAt: _c, ...pub } = user!;
        return { ...opened, user: pub };
      });
      done = true;
      return result;
    },
  };
}
