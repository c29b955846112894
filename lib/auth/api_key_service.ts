/**
 * API keys: named, optionally expiring, limited to a subset of the owner's
 * permissions (by default the owner's permissions at creation). The key is
 * returned once; only its SHA-256 is kept. At use, a key grants only what
 * both the key and its owner hold that day.
 */
import type { Sql } from "../db/client.ts";
import { createApiKeyRepo } from "../db/api_key_repo.ts";
import type { ApiKeyInfo, AuditContext } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../model/errors.ts";
import type { Principal } from "../model/permissions.ts";
import { covers, isValidPermission } from "../model/permission_catalog.ts";
import type { AccessCache } from "./access_cache.ts";
import type { AuditService } from "./audit_service.ts";
import { guardUserTarget } from "./target_guard.ts";
import { hashToken, newToken } from "./tokens.ts";
import { transact } from "./transact.ts";

/** Dependencies of {@linkcode createApiKeyService}. */
export interface ApiKeyServiceDeps {
  sql: Sql;
  clock: Clock;
  cache: AccessCache;
  audit: AuditService;
}

/** Input of {@linkcode ApiKeyService.create}. */
export interface NewApiKey {
  name: string;
  expiresAt?: Date | null;
  permissions?: string[];
}

/** The API key service. */
export interface ApiKeyService {
  list(principal: Principal, userId: string): Promise<ApiKeyInfo[]>;
  /** Creates a key for the caller; `key` is shown this once. */
  create(
    principal: Principal,
    input: NewApiKey,
    ctx: AuditContext,
  ): Promise<ApiKeyInfo & { key: string }>;
  revoke(principal: Principal, userId: string, keyId: string, ctx: AuditContext): Promise<void>;
}

/** Creates the API key service. */
export function createApiKeyService(deps: ApiKeyServiceDeps): ApiKeyService {
  const { sql, clock, cache, audit } = deps;

  /**
   * A key made with a key lives no longer than its parent: without an
   * expiry it takes the parent's, and a later one is refused. Otherwise a
   * key that leaks for ten minutes could mint one that never ends.
   */
  async function expiryWithin(principal: Principal, wanted: Date | null): Promise<Date | null> {
    if (!principal.apiKeyId) return wanted;
    const parent = await createApiKeyRepo(sql).byId(principal.apiKeyId);
    if (!parent) throw new ForbiddenError("The API key making this request no longer exists.");
    if (!parent.expiresAt) return wanted;
    if (!wanted) return parent.expiresAt;
    if (wanted.getTime() > parent.expiresAt.getTime()) {
      throw new ForbiddenError(
        `A key made with an API key cannot outlive it; this one expires at ${parent.expiresAt.toISOString()}.`,
      );
    }
    return wanted;
  }

  return {
    async list(principal, userId) {
      await guardUserTarget(sql, principal, userId, "users:read");
      return createApiKeyRepo(sql).listForUser(userId);
    },

    async create(principal, input, ctx) {
      const now = clock.now();
      if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) {
        throw new ValidationError("expiresAt must be in the future.", {
          issues: [{ path: "body.expiresAt", message: "must be in the future" }],
        });
      }
      const permissions = [...new Set(input.permissions ?? principal.permissions)].sort();
      const bad = permissions.filter((p) => !isValidPermission(p));
      if (bad.length) {
        throw new ValidationError(`Unknown permission(s): ${bad.join(", ")}.`, {
          issues: [{ path: "body.permissions", message: `unknown: ${bad.join(", ")}` }],
        });
      }
      if (!covers(principal.permissions, permissions)) {
        throw new ForbiddenError("An API key can only hold permissions you hold.");
      }
      const expiresAt = await expiryWithin(principal, input.expiresAt ?? null);
      const key = newToken("apiKey");
      return await transact(sql, cache, async (tx) => {
        const info = await createApiKeyRepo(tx).insert({
          userId: principal.userId,
          name: input.name,
          keyHash: hashToken(key),
          prefix: key.slice(0, 12),
          permissions,
          now,
          expiresAt,
        });
        await audit.record(tx, ctx, {
          action: "api_key.created",
          targetType: "api_key",
          targetId: info.id,
          details: { name: input.name, permissions, expiresAt: info.expiresAt },
        });
        return { ...info, key };
      });
    },

    async revoke(principal, userId, keyId, ctx) {
      await transact(sql, cache, async (tx, invalidate) => {
        await guardUserTarget(tx, principal, userId, "users:update");
        if (!await createApiKeyRepo(tx).delete(keyId, userId)) {
          throw new NotFoundError("No such API key.");
        }
        invalidate({ kind: "apiKey", id: keyId });
        await audit.record(tx, ctx, {
          action: "api_key.revoked",
          targetType: "api_key",
          targetId: keyId,
          details: { userId },
        });
      });
    },
  };
}
