/**
 * `/admin/roles`: each role with its permissions as checkboxes over the
 * permission catalog (what each allows next to it), whether its members
 * must have a second factor, and delete (roles not seeded, after a
 * confirmation); a form to create a role. Through `/api/v1/rbac`. The
 * `admin` role grants everything and cannot be changed.
 */
import { useState } from "preact/hooks";
import { type Lang, t } from "../lib/ui/i18n/translate.ts";
import { api, type ApiReply } from "./_api.ts";

/** A role as `GET /api/v1/rbac/roles` answers it. */
export interface AdminRole {
  name: string;
  description: string;
  permissions: string[];
  builtin: boolean;
  userCount: number;
  requireMfa: boolean;
}

/** Props of {@linkcode AdminRoles}. */
export interface AdminRolesProps {
  lang: Lang;
  roles: AdminRole[];
  catalog: { name: string; description: string }[];
  canManage: boolean;
}

const failText = (lang: Lang, r: ApiReply<unknown>) =>
  t(lang, "admin.failed", {
    reason: r.body.errors?.[0]?.message ?? r.body.detail ?? String(r.status),
  });

/** The roles editor. */
export default function AdminRoles(props: AdminRolesProps) {
  const { lang } = props;
  const [roles, setRoles] = useState(props.roles);
  const [message, setMessage] = useState<string>();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  async function create(e: Event) {
    e.preventDefault();
    const r = await api<AdminRole>("POST", "/api/v1/rbac/roles", {
      name,
      description,
      permissions: [],
    });
    if (!r.ok) return setMessage(failText(lang, r));
    setRoles((all) => [...all, r.body]);
    setName("");
    setDescription("");
    setMessage(t(lang, "admin.roles.created", { name: r.body.name }));
  }
  return (
    <div class="stack">
      <p role="status" class="muted">{message}</p>
      {roles.map((role) => (
        <RoleCard
          key={role.name}
          {...props}
          role={role}
          say={setMessage}
          changed={(r) => setRoles((all) => all.map((x) => (x.name === r.name ? r : x)))}
          deleted={() => {
            setRoles((all) => all.filter((x) => x.name !== role.name));
            setMessage(t(lang, "admin.roles.deleted", { name: role.name }));
          }}
        />
      ))}
      {props.canManage && (
        <form class="card stack" aria-labelledby="new-role-h" onSubmit={create}>
          <h2 id="new-role-h">{t(lang, "admin.roles.new")}</h2>
          <div class="field">
            <label for="new-role-name">{t(lang, "admin.roles.name")}</label>
            <input
              id="new-role-name"
              type="text"
              value={name}
              maxLength={64}
              onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
            />
          </div>
          <div class="field">
            <label for="new-role-description">{t(lang, "admin.roles.description")}</label>
            <input
              id="new-role-description"
              type="text"
              value={description}
              maxLength={500}
              onInput={(e) => setDescription((e.currentTarget as HTMLInputElement).value)}
            />
          </div>
          <div class="actions">
            <button type="submit" class="primary">{t(lang, "admin.roles.create")}</button>
          </div>
        </form>
      )}
    </div>
  );
}

function RoleCard({ lang, role, catalog, canManage, say, changed, deleted }: AdminRolesProps & {
  role: AdminRole;
  say: (m: string) => void;
  changed: (r: AdminRole) => void;
  deleted: () => void;
}) {
  const [chosen, setChosen] = useState(role.permissions);
  const [confirming, setConfirming] = useState(false);
  const fixed = !canManage || role.name === "admin";
  const id = `role-${role.name.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  async function save() {
    const r = await api<AdminRole>(
      "PUT",
      `/api/v1/rbac/roles/${encodeURIComponent(role.name)}/permissions`,
      { permissions: chosen },
    );
    if (!r.ok) return say(failText(lang, r));
    changed(r.body);
    say(t(lang, "admin.roles.saved", { name: role.name }));
  }
  async function toggleMfa() {
    const r = await api<AdminRole>("PATCH", `/api/v1/rbac/roles/${encodeURIComponent(role.name)}`, {
      requireMfa: !role.requireMfa,
    });
    if (!r.ok) return say(failText(lang, r));
    changed(r.body);
    say(t(lang, "admin.roles.saved", { name: role.name }));
  }
  async function remove() {
    const r = await api("DELETE", `/api/v1/rbac/roles/${encodeURIComponent(role.name)}`);
    if (!r.ok) return say(failText(lang, r));
    deleted();
  }
  // Catalog entries plus patterns the role holds that the catalog does not list (`*:*`).
  const extra = role.permissions.filter((p) => !catalog.some((c) => c.name === p));
  return (
    <section class="card stack" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{role.name}</h2>
      <p class="muted">
        {role.description} {t(lang, "admin.roles.members", { n: role.userCount })}
        {role.builtin && ` · ${t(lang, "admin.roles.builtin")}`}
      </p>
      <fieldset>
        <legend>{t(lang, "admin.roles.permissionsOf", { name: role.name })}</legend>
        <ul class="plain permission-list">
          {extra.map((p) => (
            <li key={p}>
              <code>{p}</code>
            </li>
          ))}
          {catalog.map((p) => (
            <li key={p.name}>
              <label class="check" for={`${id}-${p.name.replace(":", "-")}`}>
                <input
                  id={`${id}-${p.name.replace(":", "-")}`}
                  type="checkbox"
                  disabled={fixed}
                  checked={chosen.includes(p.name) || chosen.includes("*:*")}
                  onChange={(e) =>
                    setChosen(
                      (e.currentTarget as HTMLInputElement).checked
                        ? [...chosen, p.name]
                        : chosen.filter((x) => x !== p.name),
                    )}
                />{" "}
                <code>{p.name}</code> <span class="muted">{p.description}</span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <p>
        {t(lang, role.requireMfa ? "admin.roles.mfaOn" : "admin.roles.mfaOff")}
      </p>
      {!fixed && (
        <div class="actions">
          <button
            type="button"
            class="primary"
            aria-label={t(lang, "admin.roles.saveOf", { name: role.name })}
            onClick={save}
          >
            {t(lang, "admin.roles.save")}
          </button>
          <button type="button" onClick={toggleMfa}>
            {t(lang, role.requireMfa ? "admin.roles.mfaDrop" : "admin.roles.mfaRequire")}
          </button>
          {!role.builtin && (confirming
            ? (
              <span role="group" aria-label={t(lang, "admin.confirmDelete", { name: role.name })}>
                <span>{t(lang, "admin.confirmDelete", { name: role.name })}</span>{" "}
                <button type="button" class="danger" onClick={remove}>
                  {t(lang, "admin.confirmYes")}
                </button>
                <button type="button" onClick={() => setConfirming(false)}>
                  {t(lang, "admin.cancel")}
                </button>
              </span>
            )
            : (
              <button
                type="button"
                aria-label={t(lang, "admin.roles.deleteOf", { name: role.name })}
                onClick={() => setConfirming(true)}
              >
                {t(lang, "admin.delete")}
              </button>
            ))}
        </div>
      )}
    </section>
  );
}
