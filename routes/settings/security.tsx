/**
 * `/settings/security`: one's own sign-in security. The handler loads the
 * second factors, passkeys and sessions through the services; each section
 * is an island that changes things through the JSON API. A session that
 * must enrol a second factor (a role requires one) is sent here.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../lib/http/types.ts";
import { renderPage } from "../../lib/http/render.tsx";
import { Island } from "../../lib/http/island.tsx";
import TotpSettings from "../../islands/TotpSettings.tsx";
import PasskeySettings from "../../islands/PasskeySettings.tsx";
import SessionList from "../../islands/SessionList.tsx";
import PasswordChange from "../../islands/PasswordChange.tsx";

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
  return (
    <div class="stack">
      <h1>Security</h1>
      {props.confined && (
        <p class="card" role="alert">
          Your role requires a second factor: set up an authenticator app or a passkey to go on.
        </p>
      )}
      <p>
        Two-step sign-in is <strong>{props.active ? "on" : "off"}</strong>.
      </p>
      <Island name="PasskeySettings" component={PasskeySettings} props={props} />
      <Island name="TotpSettings" component={TotpSettings} props={props.totp} />
      {!props.confined && (
        <>
          <Island name="SessionList" component={SessionList} props={props} />
          <Island name="PasswordChange" component={PasswordChange} props={props} />
        </>
      )}
    </div>
  );
}

/** Page routes, mounted at `/settings/security`. */
export const securityPage = new Hono<AppEnv>().get("/", async (c) => {
  return renderPage(<Security {...await handler(c)} />, {
    title: "Security",
    user: c.var.principal,
  });
});
