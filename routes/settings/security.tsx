/**
 * `/settings/security`: one's own sign-in security. The handler loads the
 * second factors, passkeys and sessions through the services; each section
 * is an island that changes things through the JSON API. A session that
 * must enrol a second factor (a role requires one) is sent here.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../lib/http/types.ts";
import { Island } from "../../lib/http/island.tsx";
import TotpSettings from "../../islands/TotpSettings.tsx";
import PasskeySettings from "../../islands/PasskeySettings.tsx";
import SessionList from "../../islands/SessionList.tsx";
import PasswordChange from "../../islands/PasswordChange.tsx";
import { useT } from "../../lib/ui/i18n/use_t.ts";
import { SettingsNav } from "../../lib/ui/SettingsNav.tsx";
import { page, pageContext } from "../_page.tsx";

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Loads what the page shows. */
export async function handler(c: { var: AppEnv["Variables"] }) {
  const p = c.var.principal!;
  const auth = c.var.services.auth;
  const [status, passkeys, sessions] = await Promise.all([
    auth.mfa.status(p),
    auth.passkeys.list(p),
    p.mfaEnrolmentRequired ? Promise.resolve([]) : auth.sessions.list(p, p.userId),
  ]);
  return {
    username: p.username,
    confined: !!p.mfaEnrolmentRequired,
    active: status.active,
    totp: { enabled: status.totp.enabled, backupCodesRemaining: status.backupCodes.remaining },
    passkeys: passkeys.map((k) => ({
      id: k.id,
      name: k.name,
      createdAt: k.createdAt.toISOString(),
      lastUsedAt: iso(k.lastUsedAt),
      possiblyClonedAt: iso(k.possiblyClonedAt),
    })),
    sessions: sessions.map((s) => ({
      id: s.id,
      current: s.current,
      device: s.device,
      clientIp: s.clientIp,
      lastSeenAt: s.lastSeenAt.toISOString(),
    })),
  };
}

/** Props of the page, typed from the handler. */
export type SecurityProps = Awaited<ReturnType<typeof handler>>;

/** The page. */
export default function Security(props: SecurityProps) {
  const t = useT();
  return (
    <div class="stack">
      <h1>{t("security.title")}</h1>
      {!props.confined && <SettingsNav lang={t.lang} current="/settings/security" />}
      {props.confined && (
        <p class="card" role="alert">
          {t("security.confined")}
        </p>
      )}
      <p>
        {t("security.twoStep")}{" "}
        <strong>{props.active ? t("security.on") : t("security.off")}</strong>.
      </p>
      <Island
        name="PasskeySettings"
        component={PasskeySettings}
        props={{ ...props, lang: t.lang }}
      />
      <Island
        name="TotpSettings"
        component={TotpSettings}
        props={{ ...props.totp, lang: t.lang }}
      />
      {!props.confined && (
        <>
          <Island name="SessionList" component={SessionList} props={{ ...props, lang: t.lang }} />
          <Island
            name="PasswordChange"
            component={PasswordChange}
            props={{ ...props, lang: t.lang }}
          />
        </>
      )}
    </div>
  );
}

/** Page routes, mounted at `/settings/security`. */
export const securityPage = new Hono<AppEnv>().get("/", async (c) => {
  const [props, ctx] = await Promise.all([handler(c), pageContext(c)]);
  return page(c, <Security {...props} />, { title: ctx.t("security.title"), ctx });
});
