/**
 * SQL of notification agents and per-user preferences. Secrets are stored
 * sealed (bytea plus the key fingerprint); this repo never sees them open.
 */
import type { Queryable } from "./client.ts";
import type { AgentKind, NotificationEventType } from "../model/notification.ts";

/** A stored agent, secret still sealed. */
export interface AgentRow {
  id: string;
  ownerUserId: string | null;
  kind: AgentKind;
  name: string;
  enabled: boolean;
  events: NotificationEventType[];
  userSelectable: boolean;
  settings: Record<string, unknown>;
  secret: Uint8Array | null;
  secretKeyId: string | null;
  titleTemplate: string | null;
  bodyTemplate: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What is written on create and update. */
export type AgentWrite = Omit<AgentRow, "id" | "createdAt" | "updatedAt">;

/** A user's choice of events through one agent. */
export interface PreferenceRow {
  userId: string;
  agentId: string;
  events: NotificationEventType[];
}

/** A recipient of an event: an agent, and the user it is delivered for (null: the agent's own). */
export interface Recipient {
  agentId: string;
  userId: string | null;
}

/** The notification agent repository. */
export interface NotificationAgentRepo {
  insert(id: string, a: AgentWrite, now: Date): Promise<AgentRow>;
  update(id: string, a: AgentWrite, now: Date): Promise<AgentRow | undefined>;
  byId(id: string): Promise<AgentRow | undefined>;
  /** Administrators' agents (`owner` null) or one user's own. */
  list(owner: string | null): Promise<AgentRow[]>;
  delete(id: string): Promise<boolean>;
  /**
   * Enabled agents subscribed to `event`, plus the users who chose it on
   * selectable ones; only agents that existed when it happened (`at`).
   */
  recipients(
    event: NotificationEventType,
    at: Date,
  ): Promise<Array<Recipient & { ownerUserId: string | null }>>;
  /** Enabled administrators' email agents (password-reset mail). */
  adminEmailAgents(): Promise<AgentRow[]>;
  preferences(userId: string): Promise<PreferenceRow[]>;
  setPreference(p: PreferenceRow): Promise<void>;
  /** How many secrets are sealed with key `keyId` (the secret box's takeover check). */
  countByKey(keyId: string): Promise<number>;
}

type Raw = Omit<AgentRow, "secret"> & { secret: Uint8Array | null };

function row(r: Raw): AgentRow {
  return { ...r, secret: r.secret ? new Uint8Array(r.secret) : null };
}

const COLUMNS = (q: Queryable) =>
  q`id, owner_user_id as "ownerUserId", kind, name, enabled, events,
    user_selectable as "userSelectable", settings, secret, secret_key_id as "secretKeyId",
    title_template as "titleTemplate", body_template as "bodyTemplate",
    created_at as "createdAt", updated_at as "updatedAt"`;

/** Creates the repository on a pool or transaction. */
export function createNotificationAgentRepo(q: Queryable): NotificationAgentRepo {
  return {
    async insert(id, a, now) {
      const [r] = await q<Raw[]>`
        insert into notification_agents (id, owner_user_id, kind, name, enabled, events,
          user_selectable, settings, secret, secret_key_id, title_template, body_template,
          created_at, updated_at)
        values (${id}, ${a.ownerUserId}, ${a.kind}, ${a.name}, ${a.enabled}, ${a.events},
          ${a.userSelectable}, ${q.json(a.settings as never)}, ${a.secret}, ${a.secretKeyId},
          ${a.titleTemplate}, ${a.bodyTemplate}, ${now}, ${now})
        returning ${COLUMNS(q)}`;
      return row(r);
    },
    async update(id, a, now) {
      const [r] = await q<Raw[]>`
        update notification_agents set name = ${a.name}, enabled = ${a.enabled},
          events = ${a.events}, user_selectable = ${a.userSelectable},
          settings = ${q.json(a.settings as never)}, secret = ${a.secret},
          secret_key_id = ${a.secretKeyId}, title_template = ${a.titleTemplate},
          body_template = ${a.bodyTemplate}, updated_at = ${now}
        where id = ${id}
        returning ${COLUMNS(q)}`;
      return r ? row(r) : undefined;
    },
    async byId(id) {
      const [r] = await q<Raw[]>`select ${COLUMNS(q)} from notification_agents where id = ${id}`;
      return r ? row(r) : undefined;
    },
    async list(owner) {
      const rows = owner === null
        ? await q<Raw[]>`select ${COLUMNS(q)} from notification_agents
            where owner_user_id is null order by created_at, id`
        : await q<Raw[]>`select ${COLUMNS(q)} from notification_agents
            where owner_user_id = ${owner} order by created_at, id`;
      return rows.map(row);
    },
    async delete(id) {
      const r = await q`delete from notification_agents where id = ${id}`;
      return r.count > 0;
    },
    async recipients(event, at) {
      return await q<Array<Recipient & { ownerUserId: string | null }>>`
        select a.id as "agentId", null::uuid as "userId", a.owner_user_id as "ownerUserId"
        from notification_agents a
        where a.enabled and ${event} = any (a.events) and a.created_at <= ${at}
        union all
        select a.id, p.user_id, a.owner_user_id
        from notification_preferences p
        join notification_agents a on a.id = p.agent_id
        where a.enabled and a.user_selectable and a.owner_user_id is null
          and ${event} = any (p.events) and a.created_at <= ${at}`;
    },
    async adminEmailAgents() {
      const rows = await q<Raw[]>`select ${COLUMNS(q)} from notification_agents
        where owner_user_id is null and kind = 'email' and enabled order by created_at, id`;
      return rows.map(row);
    },
    async preferences(userId) {
      return await q<PreferenceRow[]>`
        select user_id as "userId", agent_id as "agentId", events
        from notification_preferences where user_id = ${userId} order by agent_id`;
    },
    async setPreference(p) {
      if (p.events.length === 0) {
        await q`delete from notification_preferences
          where user_id = ${p.userId} and agent_id = ${p.agentId}`;
        return;
      }
      // One row per (user, agent): choosing again replaces the choice.
      await q`insert into notification_preferences (user_id, agent_id, events)
        values (${p.userId}, ${p.agentId}, ${p.events})
        on conflict (user_id, agent_id) do update set events = excluded.events`;
    },
    async countByKey(keyId) {
      const [r] = await q<{ n: number }[]>`
        select count(*)::int as n from notification_agents where secret_key_id = ${keyId}`;
      return r.n;
    },
  };
}
