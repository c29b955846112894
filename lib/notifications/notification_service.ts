/**
 * Notification agents and preferences, for the API. Two scopes:
 *
 * - `admin`: the server's agents (`settings:manage` at the route). They get
 *   every event they subscribe to, may point at loopback or the LAN, and may
 *   be offered to users (`userSelectable`), who then pick events of their own.
 * - `me`: a user's own targets (webhook, Discord, Gotify, ntfy; not e-mail,
 *   which is the server's SMTP). Public addresses only, checked on save and
 *   again on every delivery; only events the user may see.
 *
 * Secrets are sealed on save and never returned: the API shows which are
 * set. Changes are audited in their transaction.
 */
import type { SecretBox } from "../auth/secret_box.ts";
import type { AuditService } from "../auth/audit_service.ts";
import type { Sql } from "../db/client.ts";
import { type AgentRow, createNotificationAgentRepo } from "../db/notification_agent_repo.ts";
import { createUserRepo } from "../db/user_repo.ts";
import type { AuditContext } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../model/errors.ts";
import {
  type AgentKind,
  EVENT_TYPES,
  type NotificationAgent,
  type NotificationEvent,
  type NotificationEventType,
} from "../model/notification.ts";
import type { Principal } from "../model/permissions.ts";
import { checkOutboundUrl, OutboundError, type OutboundPolicy } from "../net/outbound.ts";
import { DeliveryError, sendThroughAgent } from "./agent_kinds.ts";
import { userMayHear } from "./delivery.ts";
import { buildMessage } from "./message.ts";
import { openSecrets, sealSecrets } from "./_secrets.ts";
import { parseInput } from "./_validate.ts";

/** Whose agents: the server's or the caller's own. */
export type AgentScope = "admin" | "me";

/** A new agent. */
export interface AgentInput {
  kind: AgentKind;
  name: string;
  enabled?: boolean;
  events: NotificationEventType[];
  userSelectable?: boolean;
  settings: Record<string, unknown>;
  secrets?: Record<string, string>;
  titleTemplate?: string | null;
  bodyTemplate?: string | null;
}

/** A change; a secret set to null is removed, one left out is kept. */
export interface AgentPatch {
  name?: string;
  enabled?: boolean;
  events?: NotificationEventType[];
  userSelectable?: boolean;
  settings?: Record<string, unknown>;
  secrets?: Record<string, string | null>;
  titleTemplate?: string | null;
  bodyTemplate?: string | null;
}

/** An agent a user may choose events on, with their choice. */
export interface Preference {
  agentId: string;
  name: string;
  kind: AgentKind;
  events: NotificationEventType[];
}

/** What a test send did. */
export interface TestResult {
  delivered: boolean;
  error?: string;
}

/** The notification service. */
export interface NotificationService {
  list(principal: Principal, scope: AgentScope): Promise<NotificationAgent[]>;
  get(principal: Principal, scope: AgentScope, id: string): Promise<NotificationAgent>;
  create(
    principal: Principal,
    scope: AgentScope,
    input: AgentInput,
    ctx: AuditContext,
  ): Promise<NotificationAgent>;
  update(
    principal: Principal,
    scope: AgentScope,
    id: string,
    patch: AgentPatch,
    ctx: AuditContext,
  ): Promise<NotificationAgent>;
  delete(principal: Principal, scope: AgentScope, id: string, ctx: AuditContext): Promise<void>;
  /** Sends a sample event through the agent now and says how it went. */
  test(principal: Principal, scope: AgentScope, id: string, ctx: AuditContext): Promise<TestResult>;
  preferences(principal: Principal): Promise<Preference[]>;
  setPreference(
    principal: Principal,
    agentId: string,
    events: NotificationEventType[],
  ): Promise<Preference>;
  /** E-mails a password-reset link through the first working e-mail agent; false: none sent. */
  mailResetLink(userId: string, url: string, expiresAt: Date): Promise<boolean>;
}

/** Dependencies of {@linkcode createNotificationService}. */
export interface NotificationServiceDeps {
  sql: Sql;
  clock: Clock;
  audit: AuditService;
  box: SecretBox;
  settings: { userAgents: boolean; timeoutMs: number };
}

function view(row: AgentRow, secretsSet: string[]): NotificationAgent {
  const { secret: _s, secretKeyId: _k, ...rest } = row;
  return { ...rest, secretsSet };
}

/** The URL an agent connects to, for the save-time check. */
function targetUrl(
  kind: AgentKind,
  settings: Record<string, unknown>,
  secrets: Record<string, string>,
) {
  if (kind === "discord") return secrets.webhookUrl;
  if (kind === "email") return undefined;
  return settings.url as string | undefined;
}

/** Creates the notification service. */
export function createNotificationService(deps: NotificationServiceDeps): NotificationService {
  const { sql, clock, audit, box } = deps;
  const ownerOf = (p: Principal, scope: AgentScope) => (scope === "admin" ? null : p.userId);
  const policyOf = (scope: AgentScope): OutboundPolicy => (scope === "admin" ? "admin" : "user");

  async function load(p: Principal, scope: AgentScope, id: string): Promise<AgentRow> {
    const row = await createNotificationAgentRepo(sql).byId(id);
    if (!row || row.ownerUserId !== ownerOf(p, scope)) {
      throw new NotFoundError("No such notification agent.");
    }
    return row;
  }

  async function checkEvents(p: Principal, scope: AgentScope, events: NotificationEventType[]) {
    if (scope === "admin") return;
    for (const type of events) {
      const probe: NotificationEvent = { type, at: "", userId: p.userId, fields: {} };
      // A library event is checked for "can see some library" at delivery; here only the class.
      if (type.startsWith("movie.") || type === "library.scan_done") continue;
      if (!await userMayHear(sql, p.userId, probe)) {
        throw new ValidationError(`Event ${type} is not one you may subscribe to.`, {
          issues: [{ path: "events", message: `${type}: administrators only` }],
        });
      }
    }
  }

  async function checkTarget(
    scope: AgentScope,
    kind: AgentKind,
    settings: Record<string, unknown>,
    secrets: Record<string, string>,
  ) {
    const url = targetUrl(kind, settings, secrets);
    if (!url) return;
    try {
      await checkOutboundUrl(url, { policy: policyOf(scope) });
    } catch (e) {
      // A name that does not resolve today may tomorrow; delivery checks again anyway.
      if (e instanceof OutboundError && e.reason !== "unresolvable") {
        throw new ValidationError(e.message, { issues: [{ path: "url", message: e.message }] });
      }
    }
  }

  async function secretsSet(row: AgentRow): Promise<string[]> {
    if (!row.secret) return [];
    return Object.keys(await openSecrets(box, row.id, row)).sort();
  }

  async function send(row: AgentRow, event: NotificationEvent, to?: string[]): Promise<void> {
    await sendThroughAgent({
      kind: row.kind,
      settings: row.settings,
      secrets: await openSecrets(box, row.id, row),
      message: buildMessage(event, { title: row.titleTemplate, body: row.bodyTemplate }),
      policy: row.ownerUserId ? "user" : "admin",
      timeoutMs: deps.settings.timeoutMs,
      to,
    });
  }

  return {
    async list(p, scope) {
      const rows = await createNotificationAgentRepo(sql).list(ownerOf(p, scope));
      return await Promise.all(rows.map(async (r) => view(r, await secretsSet(r))));
    },

    async get(p, scope, id) {
      const row = await load(p, scope, id);
      return view(row, await secretsSet(row));
    },

    async create(p, scope, input, ctx) {
      if (scope === "me") {
        if (!deps.settings.userAgents) {
          throw new ForbiddenError("This server does not allow personal notification targets.");
        }
        if (input.kind === "email") {
          throw new ValidationError("E-mail is the server's: choose it under your preferences.");
        }
        if (input.userSelectable) {
          throw new ValidationError("Only the server's agents can be offered to users.");
        }
      }
      const { settings, secrets } = parseInput(input.kind, input.settings, input.secrets ?? {});
      await checkEvents(p, scope, input.events);
      await checkTarget(scope, input.kind, settings, secrets);
      const id = crypto.randomUUID();
      const sealed = await sealSecrets(box, id, secrets);
      const row = await sql.begin(async (tx) => {
        const r = await createNotificationAgentRepo(tx).insert(id, {
          ownerUserId: ownerOf(p, scope),
          kind: input.kind,
          name: input.name,
          enabled: input.enabled ?? true,
          events: [...new Set(input.events)],
          userSelectable: input.userSelectable ?? false,
          settings,
          ...sealed,
          titleTemplate: input.titleTemplate ?? null,
          bodyTemplate: input.bodyTemplate ?? null,
        }, clock.now());
        await audit.record(tx, ctx, {
          action: "notification_agent.created",
          targetType: "notification_agent",
          targetId: id,
          details: { kind: input.kind, name: input.name, scope, events: input.events },
        });
        return r;
      });
      return view(row, Object.keys(secrets).sort());
    },

    async update(p, scope, id, patch, ctx) {
      const row = await load(p, scope, id);
      if (scope === "me" && patch.userSelectable) {
        throw new ValidationError("Only the server's agents can be offered to users.");
      }
      const oldSecrets = await openSecrets(box, row.id, row);
      const merged: Record<string, string> = { ...oldSecrets };
      for (const [k, v] of Object.entries(patch.secrets ?? {})) {
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      const { settings, secrets } = parseInput(row.kind, patch.settings ?? row.settings, merged);
      const events = patch.events ? [...new Set(patch.events)] : row.events;
      await checkEvents(p, scope, events);
      await checkTarget(scope, row.kind, settings, secrets);
      const sealed = await sealSecrets(box, id, secrets);
      const updated = await sql.begin(async (tx) => {
        const r = await createNotificationAgentRepo(tx).update(id, {
          ownerUserId: row.ownerUserId,
          kind: row.kind,
          name: patch.name ?? row.name,
          enabled: patch.enabled ?? row.enabled,
          events,
          userSelectable: patch.userSelectable ?? row.userSelectable,
          settings,
          ...sealed,
          titleTemplate: patch.titleTemplate === undefined
            ? row.titleTemplate
            : patch.titleTemplate,
          bodyTemplate: patch.bodyTemplate === undefined ? row.bodyTemplate : patch.bodyTemplate,
        }, clock.now());
        if (!r) throw new NotFoundError("No such notification agent.");
        await audit.record(tx, ctx, {
          action: "notification_agent.updated",
          targetType: "notification_agent",
          targetId: id,
          // Which secrets changed, never their values.
          details: { scope, fields: Object.keys(patch), secrets: Object.keys(patch.secrets ?? {}) },
        });
        return r;
      });
      return view(updated, Object.keys(secrets).sort());
    },

    async delete(p, scope, id, ctx) {
      await load(p, scope, id);
      await sql.begin(async (tx) => {
        await createNotificationAgentRepo(tx).delete(id);
        await audit.record(tx, ctx, {
          action: "notification_agent.deleted",
          targetType: "notification_agent",
          targetId: id,
          details: { scope },
        });
      });
    },

    async test(p, scope, id, ctx) {
      const row = await load(p, scope, id);
      const event: NotificationEvent = {
        type: row.events[0] ?? "movie.added",
        at: clock.now().toISOString(),
        userId: p.userId,
        fields: { title: "Revenge test notification", username: p.username ?? "", test: true },
      };
      let result: TestResult = { delivered: true };
      try {
        await send(row, event);
      } catch (e) {
        if (!(e instanceof DeliveryError) && !(e instanceof OutboundError)) throw e;
        result = { delivered: false, error: e.message };
      }
      await audit.record(sql, ctx, {
        action: "notification_agent.tested",
        targetType: "notification_agent",
        targetId: id,
        details: { scope, ...result },
      });
      return result;
    },

    async preferences(p) {
      const repo = createNotificationAgentRepo(sql);
      const chosen = new Map((await repo.preferences(p.userId)).map((x) => [x.agentId, x.events]));
      return (await repo.list(null)).filter((a) => a.enabled && a.userSelectable).map((a) => ({
        agentId: a.id,
        name: a.name,
        kind: a.kind,
        events: chosen.get(a.id) ?? [],
      }));
    },

    async setPreference(p, agentId, events) {
      const agent = await createNotificationAgentRepo(sql).byId(agentId);
      if (!agent || agent.ownerUserId !== null || !agent.userSelectable || !agent.enabled) {
        throw new NotFoundError("No such notification agent.");
      }
      const unique = [...new Set(events)].filter((e) => EVENT_TYPES.includes(e));
      await checkEvents(p, "me", unique);
      await createNotificationAgentRepo(sql).setPreference({
        userId: p.userId,
        agentId,
        events: unique,
      });
      return { agentId, name: agent.name, kind: agent.kind, events: unique };
    },

    async mailResetLink(userId, url, expiresAt) {
      const user = await createUserRepo(sql).byId(userId);
      if (!user?.email) return false;
      for (const agent of await createNotificationAgentRepo(sql).adminEmailAgents()) {
        try {
          await sendThroughAgent({
            kind: "email",
            settings: agent.settings,
            secrets: await openSecrets(box, agent.id, agent),
            message: {
              event: {
                type: "auth.password_changed",
                at: clock.now().toISOString(),
                userId,
                fields: {},
              },
              title: "Reset your Revenge password",
              body: `Hello ${user.username},\n\nan administrator made a link to set a new ` +
                `password for your account. It works once, until ${expiresAt.toISOString()}:\n\n` +
                `${url}\n\nIf you did not expect this, ignore this e-mail.`,
              color: 0,
              tags: [],
              priority: 4,
            },
            policy: "admin",
            timeoutMs: deps.settings.timeoutMs,
            to: [user.email],
          });
          return true;
        } catch {
          continue;
        }
      }
      return false;
    },
  };
}
