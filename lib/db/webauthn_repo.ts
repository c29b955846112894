/**
 * SQL of passkeys: `webauthn_credentials` and the single-use
 * `webauthn_challenges`. A challenge is taken with `delete … returning`, so
 * of two responses carrying the same challenge only the first finds it.
 */
import type { Queryable } from "./client.ts";
import type { Passkey } from "../model/mfa.ts";

/** A stored passkey, with what verifying an assertion needs. */
export interface PasskeyRecord extends Passkey {
  userId: string;
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
}

/** What a ceremony's challenge is for. */
export type ChallengePurpose = "register" | "login" | "mfa";

/** A stored challenge. */
export interface ChallengeRecord {
  challenge: string;
  purpose: ChallengePurpose;
  userId: string | null;
  pendingLoginId: string | null;
  expiresAt: Date;
}

/** A new passkey. */
export interface NewPasskey {
  userId: string;
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  name: string;
  aaguid: string | null;
  deviceType: string;
  backedUp: boolean;
  now: Date;
}

/** The passkey repository. */
export interface WebauthnRepo {
  /** Inserts a passkey; undefined when its credential id is registered already. */
  insert(p: NewPasskey): Promise<PasskeyRecord | undefined>;
  byCredentialId(credentialId: string): Promise<PasskeyRecord | undefined>;
  /** The user's passkeys, oldest first. */
  forUser(userId: string): Promise<PasskeyRecord[]>;
  rename(userId: string, id: string, name: string): Promise<PasskeyRecord | undefined>;
  delete(userId: string, id: string): Promise<PasskeyRecord | undefined>;
  deleteForUser(userId: string): Promise<number>;
  /**
   * Records a verified use: the new counter, only if the stored one is still
   * `expected` and the passkey is not flagged (false otherwise).
   */
  used(id: string, expected: number, counter: number, now: Date): Promise<boolean>;
  /** Flags a passkey as possibly cloned. */
  flagCloned(id: string, now: Date): Promise<void>;
  putChallenge(c: ChallengeRecord & { createdAt: Date }): Promise<void>;
  /** Deletes and returns the challenge: its one use. */
  takeChallenge(challenge: string): Promise<ChallengeRecord | undefined>;
  deleteExpiredChallenges(now: Date): Promise<number>;
}

const COLUMNS = (q: Queryable) =>
  q`id, user_id as "userId", credential_id as "credentialId", public_key as "publicKey",
    counter::float8 as counter, transports, name, device_type as "deviceType",
    backed_up as "backedUp", created_at as "createdAt", last_used_at as "lastUsedAt",
    cloned_at as "possiblyClonedAt"`;

const record = (r: PasskeyRecord | undefined) =>
  r && { ...r, publicKey: new Uint8Array(r.publicKey) };

/** Creates the passkey repository on a pool or transaction. */
export function createWebauthnRepo(q: Queryable): WebauthnRepo {
  return {
    async insert(p) {
      // ON CONFLICT DO NOTHING: a credential id registered already (by anyone) is refused.
      const [r] = await q<PasskeyRecord[]>`
        insert into webauthn_credentials (user_id, credential_id, public_key, counter, transports,
          name, aaguid, device_type, backed_up, created_at)
        values (${p.userId}, ${p.credentialId}, ${p.publicKey}, ${p.counter}, ${p.transports},
          ${p.name}, ${p.aaguid}, ${p.deviceType}, ${p.backedUp}, ${p.now})
        on conflict (credential_id) do nothing
        returning ${COLUMNS(q)}`;
      return record(r);
    },
    async byCredentialId(credentialId) {
      const [r] = await q<PasskeyRecord[]>`
        select ${COLUMNS(q)} from webauthn_credentials where credential_id = ${credentialId}`;
      return record(r);
    },
    async forUser(userId) {
      const rows = await q<PasskeyRecord[]>`
        select ${COLUMNS(q)} from webauthn_credentials where user_id = ${userId}
        order by created_at, id`;
      return rows.map((r) => record(r)!);
    },
    async rename(userId, id, name) {
      const [r] = await q<PasskeyRecord[]>`
        update webauthn_credentials set name = ${name} where user_id = ${userId} and id = ${id}
        returning ${COLUMNS(q)}`;
      return record(r);
    },
    async delete(userId, id) {
      const [r] = await q<PasskeyRecord[]>`
        delete from webauthn_credentials where user_id = ${userId} and id = ${id}
        returning ${COLUMNS(q)}`;
      return record(r);
    },
    async deleteForUser(userId) {
      const rows = await q`delete from webauthn_credentials where user_id = ${userId} returning 1`;
      return rows.length;
    },
    async used(id, expected, counter, now) {
      const rows = await q`
        update webauthn_credentials set counter = ${counter}, last_used_at = ${now}
        where id = ${id} and counter = ${expected} and cloned_at is null
        returning id`;
      return rows.length === 1;
    },
    async flagCloned(id, now) {
      await q`update webauthn_credentials set cloned_at = coalesce(cloned_at, ${now})
              where id = ${id}`;
    },
    async putChallenge(c) {
      await q`
        insert into webauthn_challenges (challenge, purpose, user_id, pending_login_id,
          created_at, expires_at)
        values (${c.challenge}, ${c.purpose}, ${c.userId}, ${c.pendingLoginId}, ${c.createdAt},
          ${c.expiresAt})`;
    },
    async takeChallenge(challenge) {
      const [r] = await q<ChallengeRecord[]>`
        delete from webauthn_challenges where challenge = ${challenge}
        returning challenge, purpose, user_id as "userId", pending_login_id as "pendingLoginId",
          expires_at as "expiresAt"`;
      return r;
    },
    async deleteExpiredChallenges(now) {
      const rows = await q`delete from webauthn_challenges where expires_at <= ${now} returning 1`;
      return rows.length;
    },
  };
}
