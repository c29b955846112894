/**
 * An agent's secrets (tokens, SMTP password, Discord's webhook URL) as one
 * JSON object sealed with the MFA key; the agent's id is the additional
 * data, so a sealed blob copied onto another agent does not open.
 */
import type { SecretBox } from "../auth/secret_box.ts";

const owner = (agentId: string) => `notification-agent:${agentId}`;

/** Seals `secrets` for agent `agentId`; no secret at all seals nothing. */
export async function sealSecrets(
  box: SecretBox,
  agentId: string,
  secrets: Record<string, string>,
): Promise<{ secret: Uint8Array | null; secretKeyId: string | null }> {
  if (Object.keys(secrets).length === 0) return { secret: null, secretKeyId: null };
  const sealed = await box.seal(new TextEncoder().encode(JSON.stringify(secrets)), owner(agentId));
  return { secret: sealed.data, secretKeyId: sealed.keyId };
}

/** Opens an agent's secrets (none sealed: `{}`). */
export async function openSecrets(
  box: SecretBox,
  agentId: string,
  row: { secret: Uint8Array | null; secretKeyId: string | null },
): Promise<Record<string, string>> {
  if (!row.secret || !row.secretKeyId) return {};
  const plain = await box.open({ data: row.secret, keyId: row.secretKeyId }, owner(agentId));
  return JSON.parse(new TextDecoder().decode(plain));
}
