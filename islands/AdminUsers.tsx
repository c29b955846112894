/**
 * `/admin/users`: the users of one page of the list, and a form to create
 * one. Each user opens onto a panel to change the display name and e-mail,
 * the roles, the libraries they may see; to disable or enable the account,
 * make a password reset link, reset the second factors, and list or end the
 * sessions. Everything through `/api/v1/admin/users`.
 */
import { useState } from "preact/hooks";
import { type Lang, t } from "../lib/ui/i18n/translate.ts";
import { api, type ApiReply } from "./_api.ts";

/** A user as the admin API answers it (the fields shown). */
export interface AdminUser {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
  roles: string[];
  disabled: boolean;
  lastLoginAt: string | null;
}

interface Session {
  id: string;
  device: string;
  clientIp: string | null;
  lastSeenAt: string;
}

/** Props of {@linkcode AdminUsers}. */
export interface AdminUsersProps {
  lang: Lang;
  users: AdminUser[];
  roles: string[];
  libraries: { id: string; name: string }[];
  /** The reader may change users (not only read them). */
  canManage: boolean;
}

const failText = (lang: Lang, r: ApiReply<unknown>) =>
  t(lang, "admin.failed", {
    reason: r.body.errors?.[0]?.message ?? r.body.detail ?? String(r.status),
  });

/** The users administration. */
export default function AdminUsers(props: AdminUsersProps) {
  const { lang } = props;
  const [users, setUsers] = useState(props.users);
  const [open, setOpen] = useState<string>();
  const [message, setMessage] = useState<string>();
  const replace = (u: AdminUser) => setUsers((all) => all.map((x) => (x.id === u.id ? u : x)));
  return (
    <div class="stack">
      <p role="status" class="muted">{message}</p>
      {props.canManage && (
        <CreateUser
          {...props}
          created={(u) => {
            setUsers((all) => [...all, u]);
            setOpen(u.id);
            setMessage(t(lang, "admin.users.created", { name: u.username }));
          }}
        />
      )}
      <table>
        <thead>
          <tr>
            <th scope="col">{t(lang, "admin.users.username")}</th>
            <th scope="col">{t(lang, "admin.users.displayName")}</th>
            <th scope="col">{t(lang, "admin.users.roles")}</th>
            <th scope="col">{t(lang, "admin.users.status")}</th>
            <th scope="col">{t(lang, "admin.users.lastLogin")}</th>
            <th scope="col">
              <span class="visually-hidden">{t(lang, "admin.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>{u.username}</td>
              <td>{u.displayName}</td>
              <td>{u.roles.join(", ")}</td>
              <td>
                {u.disabled ? t(lang, "admin.users.disabled") : t(lang, "admin.users.active")}
              </td>
              <td>{u.lastLoginAt ? u.lastLoginAt.slice(0, 16).replace("T", " ") : "–"}</td>
              <td>
                <button
                  type="button"
                  aria-expanded={open === u.id ? "true" : "false"}
                  aria-label={t(lang, "admin.users.manageOf", { name: u.username })}
                  onClick={() => setOpen(open === u.id ? undefined : u.id)}
                >
                  {t(lang, "admin.users.manage")}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {users.length === 0 && <p class="muted">{t(lang, "admin.users.none")}</p>}
      {open && users.find((u) => u.id === open) && (
        <UserPanel
          key={open}
          {...props}
          user={users.find((u) => u.id === open)!}
          changed={replace}
          say={setMessage}
        />
      )}
    </div>
  );
}

function RoleBoxes(
  { lang, roles, chosen, onChange, id }: {
    lang: Lang;
    roles: string[];
    chosen: string[];
    onChange: (r: string[]) => void;
    id: string;
  },
) {
  return (
    <fieldset>
      <legend>{t(lang, "admin.users.roles")}</legend>
      {roles.map((r) => (
        <label key={r} class="check" for={`${id}-role-${r}`}>
          <input
            id={`${id}-role-${r}`}
            type="checkbox"
            checked={chosen.includes(r)}
            onChange={(e) =>
              onChange(
                (e.currentTarget as HTMLInputElement).checked
                  ? [...chosen, r]
                  : chosen.filter((x) => x !== r),
              )}
          />{" "}
          {r}
        </label>
      ))}
    </fieldset>
  );
}

function TextInput(
  { id, label, value, set, type = "text", autocomplete }: {
    id: string;
    label: string;
    value: string;
    set: (v: string) => void;
    type?: "text" | "password" | "email";
    autocomplete?: string;
  },
) {
  // Preact types each input type separately; these attributes suit all three.
  const attrs: Record<string, unknown> = {
    id,
    type,
    value,
    autocomplete,
    maxLength: 254,
    onInput: (e: Event) => set((e.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input {...attrs} />
    </div>
  );
}

function CreateUser(
  { lang, roles, created }: AdminUsersProps & { created: (u: AdminUser) => void },
) {
  const [open, setOpen] = useState(false);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [chosen, setChosen] = useState(["user"]);
  const [error, setError] = useState<string>();
  if (!open) {
    return (
      <div class="actions">
        <button type="button" class="primary" onClick={() => setOpen(true)}>
          {t(lang, "admin.users.new")}
        </button>
      </div>
    );
  }
  async function create(e: Event) {
    e.preventDefault();
    const r = await api<AdminUser>("POST", "/api/v1/admin/users", {
      username,
      password,
      displayName: displayName || null,
      roles: chosen,
    });
    if (!r.ok) return setError(failText(lang, r));
    setOpen(false);
    created(r.body);
  }
  return (
    <form class="card stack" aria-labelledby="new-user-h" onSubmit={create}>
      <h2 id="new-user-h">{t(lang, "admin.users.new")}</h2>
      <TextInput
        id="new-user-name"
        label={t(lang, "admin.users.username")}
        value={username}
        set={setUsername}
        autocomplete="off"
      />
      <TextInput
        id="new-user-password"
        label={t(lang, "admin.users.password")}
        value={password}
        set={setPassword}
        type="password"
        autocomplete="new-password"
      />
      <TextInput
        id="new-user-display"
        label={t(lang, "admin.users.displayName")}
        value={displayName}
        set={setDisplayName}
      />
      <RoleBoxes lang={lang} roles={roles} chosen={chosen} onChange={setChosen} id="new-user" />
      {error && <p class="error" role="alert">{error}</p>}
      <div class="actions">
        <button type="submit" class="primary">{t(lang, "admin.users.create")}</button>
        <button type="button" onClick={() => setOpen(false)}>{t(lang, "admin.cancel")}</button>
      </div>
    </form>
  );
}

function UserPanel(
  { lang, user: u, roles, libraries, canManage, changed, say }: AdminUsersProps & {
    user: AdminUser;
    changed: (u: AdminUser) => void;
    say: (m: string) => void;
  },
) {
  const [displayName, setDisplayName] = useState(u.displayName ?? "");
  const [email, setEmail] = useState(u.email ?? "");
  const [chosen, setChosen] = useState(u.roles);
  const [access, setAccess] = useState<string[]>();
  const [sessions, setSessions] = useState<Session[]>();
  const [link, setLink] = useState<string>();
  const fail = (r: ApiReply<unknown>) => say(failText(lang, r));
  const done = () => say(t(lang, "admin.saved"));
  async function saveProfile() {
    const r = await api<AdminUser>("PATCH", `/api/v1/admin/users/${u.id}`, {
      displayName: displayName || null,
      email: email || null,
    });
    if (!r.ok) return fail(r);
    changed(r.body);
    done();
  }
  async function saveRoles() {
    const r = await api<AdminUser>("PUT", `/api/v1/admin/users/${u.id}/roles`, { roles: chosen });
    if (!r.ok) return fail(r);
    changed(r.body);
    done();
  }
  async function loadAccess() {
    const r = await api<{ libraryIds: string[] }>("GET", `/api/v1/admin/users/${u.id}/libraries`);
    if (!r.ok) return fail(r);
    setAccess(r.body.libraryIds);
  }
  async function saveAccess() {
    const r = await api("PUT", `/api/v1/admin/users/${u.id}/libraries`, { libraryIds: access });
    if (!r.ok) return fail(r);
    done();
  }
  async function toggleDisabled() {
    const r = await api<AdminUser>(
      "POST",
      `/api/v1/admin/users/${u.id}/${u.disabled ? "enable" : "disable"}`,
    );
    if (!r.ok) return fail(r);
    changed(r.body);
    say(t(lang, r.body.disabled ? "admin.users.wasDisabled" : "admin.users.wasEnabled", {
      name: u.username,
    }));
  }
  async function resetLink() {
    const r = await api<{ url: string }>("POST", `/api/v1/admin/users/${u.id}/password-reset-link`);
    if (!r.ok) return fail(r);
    setLink(r.body.url.startsWith("/") ? location.origin + r.body.url : r.body.url);
  }
  async function resetMfa() {
    const r = await api("DELETE", `/api/v1/admin/users/${u.id}/mfa`);
    if (!r.ok) return fail(r);
    say(t(lang, "admin.users.mfaReset", { name: u.username }));
  }
  async function loadSessions() {
    const r = await api<{ items: Session[] }>(
      "GET",
      `/api/v1/admin/users/${u.id}/sessions?limit=100`,
    );
    if (!r.ok) return fail(r);
    setSessions(r.body.items);
  }
  async function endSession(id: string) {
    const r = await api("DELETE", `/api/v1/admin/users/${u.id}/sessions/${id}`);
    if (!r.ok) return fail(r);
    setSessions((all) => all?.filter((s) => s.id !== id));
  }
  async function endAll() {
    const r = await api("DELETE", `/api/v1/admin/users/${u.id}/sessions`);
    if (!r.ok) return fail(r);
    setSessions([]);
  }
  const id = `user-${u.id}`;
  return (
    <section class="card stack" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t(lang, "admin.users.panel", { name: u.username })}</h2>
      {canManage && (
        <>
          <div class="stack">
            <TextInput
              id={`${id}-display`}
              label={t(lang, "admin.users.displayName")}
              value={displayName}
              set={setDisplayName}
            />
            <TextInput
              id={`${id}-email`}
              label={t(lang, "admin.users.email")}
              value={email}
              set={setEmail}
              type="email"
            />
            <div class="actions">
              <button type="button" onClick={saveProfile}>
                {t(lang, "admin.users.saveProfile")}
              </button>
            </div>
          </div>
          <div class="stack">
            <RoleBoxes lang={lang} roles={roles} chosen={chosen} onChange={setChosen} id={id} />
            <div class="actions">
              <button type="button" onClick={saveRoles}>{t(lang, "admin.users.saveRoles")}</button>
            </div>
          </div>
          <div class="stack">
            <h3>{t(lang, "admin.users.libraries")}</h3>
            {access
              ? (
                <>
                  <fieldset>
                    <legend>{t(lang, "admin.users.librariesHelp")}</legend>
                    {libraries.map((l) => (
                      <label key={l.id} class="check" for={`${id}-lib-${l.id}`}>
                        <input
                          id={`${id}-lib-${l.id}`}
                          type="checkbox"
                          checked={access.includes(l.id)}
                          onChange={(e) =>
                            setAccess(
                              (e.currentTarget as HTMLInputElement).checked
                                ? [...access, l.id]
                                : access.filter((x) => x !== l.id),
                            )}
                        />{" "}
                        {l.name}
                      </label>
                    ))}
                    {!libraries.length && <p class="muted">{t(lang, "admin.libraries.empty")}</p>}
                  </fieldset>
                  <div class="actions">
                    <button type="button" onClick={saveAccess}>
                      {t(lang, "admin.users.saveLibraries")}
                    </button>
                  </div>
                </>
              )
              : (
                <div class="actions">
                  <button type="button" onClick={loadAccess}>
                    {t(lang, "admin.users.showLibraries")}
                  </button>
                </div>
              )}
          </div>
          <div class="actions">
            <button type="button" onClick={toggleDisabled}>
              {u.disabled ? t(lang, "admin.users.enable") : t(lang, "admin.users.disable")}
            </button>
            <button type="button" onClick={resetLink}>{t(lang, "admin.users.resetLink")}</button>
            <button type="button" onClick={resetMfa}>{t(lang, "admin.users.resetMfa")}</button>
          </div>
          {link && (
            <div class="field">
              <label for={`${id}-link`}>{t(lang, "admin.users.linkLabel")}</label>
              <input id={`${id}-link`} type="text" readOnly value={link} />
            </div>
          )}
        </>
      )}
      <div class="stack">
        <h3>{t(lang, "sessions.title")}</h3>
        {sessions
          ? (
            <>
              {sessions.length === 0 && <p class="muted">{t(lang, "admin.users.noSessions")}</p>}
              <ul class="plain">
                {sessions.map((s) => (
                  <li key={s.id}>
                    {s.device}{" "}
                    <span class="muted">
                      {s.clientIp ?? ""} · {s.lastSeenAt.slice(0, 16).replace("T", " ")}
                    </span>{" "}
                    {canManage && (
                      <button
                        type="button"
                        aria-label={t(lang, "sessions.endOn", { device: s.device })}
                        onClick={() => endSession(s.id)}
                      >
                        {t(lang, "sessions.end")}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
              {canManage && sessions.length > 0 && (
                <div class="actions">
                  <button type="button" onClick={endAll}>{t(lang, "admin.users.endAll")}</button>
                </div>
              )}
            </>
          )
          : (
            <div class="actions">
              <button type="button" onClick={loadSessions}>
                {t(lang, "admin.users.showSessions")}
              </button>
            </div>
          )}
      </div>
    </section>
  );
}
