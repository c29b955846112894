/**
 * `/admin/integrations`: Radarr instances (add, edit, test, status, sync,
 * delete, path mappings, and the webhook URL to paste into Radarr, shown
 * once when the instance is added since it carries the secret) and the
 * server's notification agents (add, edit, send a test, delete; webhook,
 * Discord, Gotify, ntfy, e-mail). Through `/api/v1/admin/integrations/radarr`
 * and `/api/v1/admin/notifications/agents`; secrets go in, never come out.
 */
import { useState } from "preact/hooks";
import { type Lang, type MessageKey, t } from "../lib/ui/i18n/translate.ts";
import { api, type ApiReply } from "./_api.ts";

/** A Radarr instance as the API answers it. */
export interface RadarrItem {
  id: string;
  name: string;
  url: string;
  pathMappings: { from: string; to: string }[];
  enabled: boolean;
  webhookPath: string;
  lastSyncAt: string | null;
}

/** A notification agent as the API answers it. */
export interface AgentItem {
  id: string;
  kind: "webhook" | "discord" | "gotify" | "ntfy" | "email";
  name: string;
  enabled: boolean;
  events: string[];
  settings: Record<string, unknown>;
  secretsSet: string[];
}

/** Props of {@linkcode AdminIntegrations}. */
export interface AdminIntegrationsProps {
  lang: Lang;
  radarr: RadarrItem[];
  agents: AgentItem[];
  events: string[];
}

const failText = (lang: Lang, r: ApiReply<unknown>) =>
  t(lang, "admin.failed", {
    reason: r.body.errors?.[0]
      ? `${r.body.errors[0].path.replace(/^body\./, "")}: ${r.body.errors[0].message}`
      : r.body.detail ?? String(r.status),
  });

function Text(
  { id, label, value, set, type = "text", help }: {
    id: string;
    label: string;
    value: string;
    set: (v: string) => void;
    type?: "text" | "password" | "number";
    help?: string;
  },
) {
  const attrs: Record<string, unknown> = {
    id,
    type,
    value,
    autocomplete: type === "password" ? "new-password" : "off",
    "aria-describedby": help ? `${id}-help` : undefined,
    onInput: (e: Event) => set((e.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input {...attrs} />
      {help && <p id={`${id}-help`} class="muted">{help}</p>}
    </div>
  );
}

/** The integrations administration. */
export default function AdminIntegrations(props: AdminIntegrationsProps) {
  const [message, setMessage] = useState<string>();
  return (
    <div class="stack">
      <p role="status" class="muted">{message}</p>
      <RadarrSection {...props} say={setMessage} />
      <AgentSection {...props} say={setMessage} />
    </div>
  );
}

// ---- Radarr ----

const mappingsText = (m: { from: string; to: string }[]) =>
  m.map((x) => `${x.from} = ${x.to}`).join("\n");
const parseMappings = (s: string) =>
  s.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
    const [from, ...to] = l.split("=");
    return { from: from.trim(), to: to.join("=").trim() };
  });

function RadarrSection(
  { lang, radarr, say }: AdminIntegrationsProps & { say: (m: string) => void },
) {
  const [items, setItems] = useState(radarr);
  const [editing, setEditing] = useState<string | "new">();
  const [created, setCreated] = useState<{ name: string; url: string }>();
  const [status, setStatus] = useState<Record<string, string>>({});
  async function check(i: RadarrItem) {
    const r = await api<{ reachable: boolean; version: string | null; error: string | null }>(
      "GET",
      `/api/v1/admin/integrations/radarr/${i.id}/status`,
    );
    const text = !r.ok
      ? failText(lang, r)
      : r.body.reachable
      ? t(lang, "admin.radarr.reachable", { version: r.body.version ?? "?" })
      : t(lang, "admin.radarr.unreachable", { reason: r.body.error ?? "" });
    setStatus((s) => ({ ...s, [i.id]: text }));
  }
  async function sync(i: RadarrItem) {
    const r = await api("POST", `/api/v1/admin/integrations/radarr/${i.id}/sync`);
    say(r.ok ? t(lang, "admin.radarr.syncQueued", { name: i.name }) : failText(lang, r));
  }
  async function remove(i: RadarrItem) {
    const r = await api("DELETE", `/api/v1/admin/integrations/radarr/${i.id}`);
    if (!r.ok) return say(failText(lang, r));
    setItems((all) => all.filter((x) => x.id !== i.id));
    say(t(lang, "admin.radarr.deleted", { name: i.name }));
  }
  return (
    <section class="card stack" aria-labelledby="radarr-h">
      <h2 id="radarr-h">{t(lang, "admin.radarr.title")}</h2>
      <p class="muted">{t(lang, "admin.radarr.intro")}</p>
      {created && (
        <div class="stack" role="group" aria-labelledby="webhook-h">
          <h3 id="webhook-h">{t(lang, "admin.radarr.webhookFor", { name: created.name })}</h3>
          <div class="field">
            <label for="radarr-webhook-url">{t(lang, "admin.radarr.webhookUrl")}</label>
            <input id="radarr-webhook-url" type="text" readOnly value={created.url} />
          </div>
          <p class="muted">{t(lang, "admin.radarr.webhookHelp")}</p>
        </div>
      )}
      {items.length === 0 && <p class="muted">{t(lang, "admin.radarr.none")}</p>}
      <ul class="plain stack">
        {items.map((i) => (
          <li key={i.id} class="stack">
            <h3>{i.name}</h3>
            <p>
              <code>{i.url}</code> · {i.enabled ? t(lang, "admin.enabled") : t(lang, "admin.off")}
              {" · "}
              {t(lang, "admin.radarr.lastSync", {
                when: i.lastSyncAt ? i.lastSyncAt.slice(0, 16).replace("T", " ") : "–",
              })}
            </p>
            {i.pathMappings.length > 0 && (
              <ul class="plain muted">
                {i.pathMappings.map((m) => (
                  <li key={m.from}>
                    <code>{m.from}</code> → <code>{m.to}</code>
                  </li>
                ))}
              </ul>
            )}
            <p class="muted">
              {t(lang, "admin.radarr.webhookPath")} <code>{i.webhookPath}</code>
            </p>
            {status[i.id] && <p>{status[i.id]}</p>}
            {editing === i.id
              ? (
                <RadarrForm
                  lang={lang}
                  item={i}
                  done={(saved) => {
                    setEditing(undefined);
                    if (saved) {
                      setItems((all) => all.map((x) => (x.id === saved.id ? saved : x)));
                      say(t(lang, "admin.saved"));
                    }
                  }}
                />
              )
              : (
                <div class="actions">
                  <button
                    type="button"
                    aria-label={t(lang, "admin.radarr.checkOf", { name: i.name })}
                    onClick={() => check(i)}
                  >
                    {t(lang, "admin.radarr.check")}
                  </button>
                  <button
                    type="button"
                    aria-label={t(lang, "admin.radarr.syncOf", { name: i.name })}
                    onClick={() => sync(i)}
                  >
                    {t(lang, "admin.radarr.sync")}
                  </button>
                  <button
                    type="button"
                    aria-label={t(lang, "admin.editOf", { name: i.name })}
                    onClick={() => setEditing(i.id)}
                  >
                    {t(lang, "admin.edit")}
                  </button>
                  <ConfirmDelete lang={lang} name={i.name} onConfirm={() => remove(i)} />
                </div>
              )}
          </li>
        ))}
      </ul>
      {editing === "new"
        ? (
          <RadarrForm
            lang={lang}
            done={(saved, webhookUrl) => {
              setEditing(undefined);
              if (saved) {
                setItems((all) => [...all, saved]);
                setCreated({ name: saved.name, url: webhookUrl! });
                say(t(lang, "admin.radarr.added", { name: saved.name }));
              }
            }}
          />
        )
        : (
          <div class="actions">
            <button type="button" class="primary" onClick={() => setEditing("new")}>
              {t(lang, "admin.radarr.add")}
            </button>
          </div>
        )}
    </section>
  );
}

function RadarrForm(
  { lang, item, done }: {
    lang: Lang;
    item?: RadarrItem;
    done: (saved?: RadarrItem, webhookUrl?: string) => void;
  },
) {
  const id = item ? `radarr-${item.id}` : "radarr-new";
  const [name, setName] = useState(item?.name ?? "Radarr");
  const [url, setUrl] = useState(item?.url ?? "http://127.0.0.1:7878");
  const [apiKey, setApiKey] = useState("");
  const [mappings, setMappings] = useState(mappingsText(item?.pathMappings ?? []));
  const [enabled, setEnabled] = useState(item?.enabled ?? true);
  const [result, setResult] = useState<string>();
  async function test() {
    if (!apiKey && item) {
      const r = await api<{ reachable: boolean; version: string | null; error: string | null }>(
        "GET",
        `/api/v1/admin/integrations/radarr/${item.id}/status`,
      );
      return setResult(
        r.ok && r.body.reachable
          ? t(lang, "admin.radarr.reachable", { version: r.body.version ?? "?" })
          : r.ok
          ? t(lang, "admin.radarr.unreachable", { reason: r.body.error ?? "" })
          : failText(lang, r),
      );
    }
    const r = await api<{ version: string }>("POST", "/api/v1/admin/integrations/radarr/test", {
      url,
      apiKey,
    });
    setResult(
      r.ok ? t(lang, "admin.radarr.reachable", { version: r.body.version }) : failText(lang, r),
    );
  }
  async function save(e: Event) {
    e.preventDefault();
    const body: Record<string, unknown> = {
      name,
      url,
      pathMappings: parseMappings(mappings),
      enabled,
    };
    if (apiKey) body.apiKey = apiKey;
    const r = item
      ? await api<RadarrItem>("PUT", `/api/v1/admin/integrations/radarr/${item.id}`, body)
      : await api<RadarrItem & { webhookUrl: string }>(
        "POST",
        "/api/v1/admin/integrations/radarr",
        body,
      );
    if (!r.ok) return setResult(failText(lang, r));
    done(r.body, (r.body as { webhookUrl?: string }).webhookUrl);
  }
  return (
    <form class="stack" aria-label={t(lang, "admin.radarr.form")} onSubmit={save}>
      <Text id={`${id}-name`} label={t(lang, "admin.radarr.name")} value={name} set={setName} />
      <Text
        id={`${id}-url`}
        label={t(lang, "admin.radarr.url")}
        value={url}
        set={setUrl}
        help={t(lang, "admin.radarr.urlHelp")}
      />
      <Text
        id={`${id}-key`}
        label={t(lang, "admin.radarr.apiKey")}
        value={apiKey}
        set={setApiKey}
        type="password"
        help={item ? t(lang, "admin.secretKept") : t(lang, "admin.radarr.apiKeyHelp")}
      />
      <div class="field">
        <label for={`${id}-mappings`}>{t(lang, "admin.radarr.mappings")}</label>
        <textarea
          id={`${id}-mappings`}
          rows={3}
          value={mappings}
          aria-describedby={`${id}-mappings-help`}
          onInput={(e) => setMappings((e.currentTarget as HTMLTextAreaElement).value)}
        />
        <p id={`${id}-mappings-help`} class="muted">{t(lang, "admin.radarr.mappingsHelp")}</p>
      </div>
      <label class="check" for={`${id}-enabled`}>
        <input
          id={`${id}-enabled`}
          type="checkbox"
          checked={enabled}
          onChange={(e) => setEnabled((e.currentTarget as HTMLInputElement).checked)}
        />{" "}
        {t(lang, "admin.enabled")}
      </label>
      {result && <p role="alert">{result}</p>}
      <div class="actions">
        <button type="button" onClick={test}>{t(lang, "admin.radarr.test")}</button>
        <button type="submit" class="primary">{t(lang, "admin.save")}</button>
        <button type="button" onClick={() => done()}>{t(lang, "admin.cancel")}</button>
      </div>
    </form>
  );
}

// ---- Notification agents ----

type Kind = AgentItem["kind"];
interface KindField {
  key: string;
  secret?: boolean;
  number?: boolean;
  list?: boolean;
  options?: string[];
}
const KIND_FIELDS: Record<Kind, KindField[]> = {
  webhook: [{ key: "url" }, { key: "token", secret: true }],
  discord: [{ key: "webhookUrl", secret: true }, { key: "username" }],
  gotify: [{ key: "url" }, { key: "token", secret: true }],
  ntfy: [{ key: "url" }, { key: "topic" }, { key: "priority", number: true }, {
    key: "token",
    secret: true,
  }],
  email: [
    { key: "host" },
    { key: "port", number: true },
    { key: "security", options: ["starttls", "tls", "none"] },
    { key: "username" },
    { key: "password", secret: true },
    { key: "from" },
    { key: "to", list: true },
  ],
};
const KINDS = Object.keys(KIND_FIELDS) as Kind[];

function AgentSection(
  { lang, agents, events, say }: AdminIntegrationsProps & { say: (m: string) => void },
) {
  const [items, setItems] = useState(agents);
  const [editing, setEditing] = useState<string | "new">();
  async function test(a: AgentItem) {
    const r = await api<{ delivered: boolean; error?: string }>(
      "POST",
      `/api/v1/admin/notifications/agents/${a.id}/test`,
    );
    say(
      !r.ok
        ? failText(lang, r)
        : r.body.delivered
        ? t(lang, "admin.agents.delivered", { name: a.name })
        : t(lang, "admin.agents.notDelivered", { name: a.name, reason: r.body.error ?? "" }),
    );
  }
  async function remove(a: AgentItem) {
    const r = await api("DELETE", `/api/v1/admin/notifications/agents/${a.id}`);
    if (!r.ok) return say(failText(lang, r));
    setItems((all) => all.filter((x) => x.id !== a.id));
    say(t(lang, "admin.agents.deleted", { name: a.name }));
  }
  return (
    <section class="card stack" aria-labelledby="agents-h">
      <h2 id="agents-h">{t(lang, "admin.agents.title")}</h2>
      <p class="muted">{t(lang, "admin.agents.intro")}</p>
      {items.length === 0 && <p class="muted">{t(lang, "admin.agents.none")}</p>}
      <ul class="plain stack">
        {items.map((a) => (
          <li key={a.id} class="stack">
            <h3>{a.name}</h3>
            <p>
              {t(lang, `admin.agents.kind.${a.kind}` as MessageKey)} ·{" "}
              {a.enabled ? t(lang, "admin.enabled") : t(lang, "admin.off")} ·{" "}
              {a.events.join(", ") || "–"}
            </p>
            {editing === a.id
              ? (
                <AgentForm
                  lang={lang}
                  events={events}
                  item={a}
                  done={(saved) => {
                    setEditing(undefined);
                    if (saved) {
                      setItems((all) => all.map((x) => (x.id === saved.id ? saved : x)));
                      say(t(lang, "admin.saved"));
                    }
                  }}
                />
              )
              : (
                <div class="actions">
                  <button
                    type="button"
                    aria-label={t(lang, "admin.agents.testOf", { name: a.name })}
                    onClick={() => test(a)}
                  >
                    {t(lang, "admin.agents.test")}
                  </button>
                  <button
                    type="button"
                    aria-label={t(lang, "admin.editOf", { name: a.name })}
                    onClick={() => setEditing(a.id)}
                  >
                    {t(lang, "admin.edit")}
                  </button>
                  <ConfirmDelete lang={lang} name={a.name} onConfirm={() => remove(a)} />
                </div>
              )}
          </li>
        ))}
      </ul>
      {editing === "new"
        ? (
          <AgentForm
            lang={lang}
            events={events}
            done={(saved) => {
              setEditing(undefined);
              if (saved) {
                setItems((all) => [...all, saved]);
                say(t(lang, "admin.agents.added", { name: saved.name }));
              }
            }}
          />
        )
        : (
          <div class="actions">
            <button type="button" class="primary" onClick={() => setEditing("new")}>
              {t(lang, "admin.agents.add")}
            </button>
          </div>
        )}
    </section>
  );
}

function AgentForm(
  { lang, events, item, done }: {
    lang: Lang;
    events: string[];
    item?: AgentItem;
    done: (saved?: AgentItem) => void;
  },
) {
  const id = item ? `agent-${item.id}` : "agent-new";
  const [kind, setKind] = useState<Kind>(item?.kind ?? "webhook");
  const [name, setName] = useState(item?.name ?? "");
  const [enabled, setEnabled] = useState(item?.enabled ?? true);
  const [chosen, setChosen] = useState<string[]>(item?.events ?? []);
  const [values, setValues] = useState<Record<string, string>>(() => {
    const v: Record<string, string> = {};
    for (const [k, x] of Object.entries(item?.settings ?? {})) {
      v[k] = Array.isArray(x) ? x.join(", ") : String(x ?? "");
    }
    return v;
  });
  const [error, setError] = useState<string>();
  async function save(e: Event) {
    e.preventDefault();
    const settings: Record<string, unknown> = {};
    const secrets: Record<string, string> = {};
    for (const f of KIND_FIELDS[kind]) {
      const v = (values[f.key] ?? "").trim();
      if (!v) continue;
      if (f.secret) secrets[f.key] = v;
      else if (f.number) settings[f.key] = Number(v);
      else if (f.list) settings[f.key] = v.split(",").map((x) => x.trim()).filter(Boolean);
      else settings[f.key] = v;
    }
    const body: Record<string, unknown> = { name, enabled, events: chosen, settings, secrets };
    if (!item) body.kind = kind;
    const r = item
      ? await api<AgentItem>("PATCH", `/api/v1/admin/notifications/agents/${item.id}`, body)
      : await api<AgentItem>("POST", "/api/v1/admin/notifications/agents", body);
    if (!r.ok) return setError(failText(lang, r));
    done(r.body);
  }
  return (
    <form class="stack" aria-label={t(lang, "admin.agents.form")} onSubmit={save}>
      <div class="field">
        <label for={`${id}-kind`}>{t(lang, "admin.agents.kind")}</label>
        <select
          id={`${id}-kind`}
          value={kind}
          disabled={!!item}
          onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as Kind)}
        >
          {KINDS.map((k) => (
            <option key={k} value={k}>{t(lang, `admin.agents.kind.${k}` as MessageKey)}</option>
          ))}
        </select>
      </div>
      <Text id={`${id}-name`} label={t(lang, "admin.agents.name")} value={name} set={setName} />
      {KIND_FIELDS[kind].map((f) =>
        f.options
          ? (
            <div class="field" key={f.key}>
              <label for={`${id}-${f.key}`}>
                {t(lang, `admin.agents.field.${f.key}` as MessageKey)}
              </label>
              <select
                id={`${id}-${f.key}`}
                value={values[f.key] ?? f.options[0]}
                onChange={(e) =>
                  setValues({ ...values, [f.key]: (e.currentTarget as HTMLSelectElement).value })}
              >
                {f.options.map((o) => <option key={o} value={o}>{o}</option>)}
              </select>
            </div>
          )
          : (
            <Text
              key={f.key}
              id={`${id}-${f.key}`}
              label={t(lang, `admin.agents.field.${f.key}` as MessageKey)}
              value={values[f.key] ?? ""}
              type={f.secret ? "password" : f.number ? "number" : "text"}
              help={f.secret && item?.secretsSet.includes(f.key)
                ? t(lang, "admin.secretKept")
                : undefined}
              set={(v) => setValues({ ...values, [f.key]: v })}
            />
          )
      )}
      <fieldset>
        <legend>{t(lang, "admin.agents.events")}</legend>
        {events.map((ev) => (
          <label key={ev} class="check" for={`${id}-ev-${ev}`}>
            <input
              id={`${id}-ev-${ev}`}
              type="checkbox"
              checked={chosen.includes(ev)}
              onChange={(e) =>
                setChosen(
                  (e.currentTarget as HTMLInputElement).checked
                    ? [...chosen, ev]
                    : chosen.filter((x) => x !== ev),
                )}
            />{" "}
            <code>{ev}</code>
          </label>
        ))}
      </fieldset>
      <label class="check" for={`${id}-enabled`}>
        <input
          id={`${id}-enabled`}
          type="checkbox"
          checked={enabled}
          onChange={(e) => setEnabled((e.currentTarget as HTMLInputElement).checked)}
        />{" "}
        {t(lang, "admin.enabled")}
      </label>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="actions">
        <button type="submit" class="primary">{t(lang, "admin.save")}</button>
        <button type="button" onClick={() => done()}>{t(lang, "admin.cancel")}</button>
      </div>
    </form>
  );
}

function ConfirmDelete(
  { lang, name, onConfirm }: { lang: Lang; name: string; onConfirm: () => void },
) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        aria-label={t(lang, "admin.deleteOf", { name })}
        onClick={() => setAsking(true)}
      >
        {t(lang, "admin.delete")}
      </button>
    );
  }
  return (
    <span role="group" aria-label={t(lang, "admin.confirmDelete", { name })}>
      <span>{t(lang, "admin.confirmDelete", { name })}</span>{" "}
      <button type="button" class="danger" onClick={onConfirm}>
        {t(lang, "admin.confirmYes")}
      </button>
      <button type="button" onClick={() => setAsking(false)}>{t(lang, "admin.cancel")}</button>
    </span>
  );
}
