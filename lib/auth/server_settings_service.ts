/**
 * Server settings an administrator changes at run time (`server_settings`
 * rows), each read where its value is used, falling back to the environment
 * configuration while no one has set it. Today: open registration. Each
 * change is audited in the same transaction.
 */
import type { Sql } from "../db/client.ts";
import { createServerSettingsRepo } from "../db/server_settings_repo.ts";
import type { AuditContext } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import type { AuditService } from "./audit_service.ts";

/** A setting's value and where it comes from. */
export interface SettingValue<T> {
  value: T;
  /** `setting`: changed by an administrator; `environment`: the configuration's value. */
  source: "setting" | "environment";
}

/** The runtime server settings. */
export interface ServerSettingsService {
  /** Whether anyone may create an account at `POST /api/v1/auth/register`. */
  openRegistration(): Promise<SettingValue<boolean>>;
  /** Changes it (audited as `settings.changed`). */
  setOpenRegistration(value: boolean, ctx: AuditContext): Promise<SettingValue<boolean>>;
}

/** Dependencies of {@linkcode createServerSettingsService}. */
export interface ServerSettingsDeps {
  sql: Sql;
  clock: Clock;
  audit: AuditService;
  /** `REVENGE_OPEN_REGISTRATION`: the value until an administrator sets one. */
  openRegistration: boolean;
}

const OPEN_REGISTRATION = "registration.open";

/** Creates the runtime server settings service. */
export function createServerSettingsService(deps: ServerSettingsDeps): ServerSettingsService {
  const repo = createServerSettingsRepo(deps.sql);
  async function openRegistration(): Promise<SettingValue<boolean>> {
    const v = await repo.get(OPEN_REGISTRATION);
    return typeof v === "boolean"
      ? { value: v, source: "setting" }
      : { value: deps.openRegistration, source: "environment" };
  }
  return {
    openRegistration,
    async setOpenRegistration(value, ctx) {
      await deps.sql.begin(async (tx) => {
        const before = await createServerSettingsRepo(tx).set(
          OPEN_REGISTRATION,
          value,
          deps.clock.now(),
        );
        await deps.audit.record(tx, ctx, {
          action: "settings.changed",
          targetType: "setting",
          targetId: OPEN_REGISTRATION,
          details: {
            before: typeof before === "boolean" ? before : deps.openRegistration,
            after: value,
          },
        });
      });
      return await openRegistration();
    },
  };
}
