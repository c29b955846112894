import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import { createTestClock } from "../../tests/auth_helpers.ts";
import { createTestDatabase } from "../../tests/db.ts";
import { dbTest } from "../../tests/harness.ts";
import { createServerSettingsRepo } from "../db/server_settings_repo.ts";
import { createStreamTokens, looksLikeStreamToken, STREAM_KEY_SETTING } from "./stream_tokens.ts";

const USER = "0b7e6a9c-1d2e-4f30-8a4b-5c6d7e8f9a0b";
const FILE = "9F8E7D6C-5B4A-4321-8765-43210FEDCBA9";

dbTest("stream tokens: bound to one user and one file, shared per database, expire", async () => {
  const db = await createTestDatabase();
  try {
    const clock = createTestClock();
    const settings = createServerSettingsRepo(db.sql);
    const a = createStreamTokens({ settings, clock, ttlSec: 600 });
    const b = createStreamTokens({ settings, clock });
    await assertRejects(() => a.issue(USER, FILE), Error, "before start");
    await Promise.all([a.start(), b.start()]);
    const rows = await db.sql`select key from server_settings`;
    assertEquals(rows.map((r) => r.key), [STREAM_KEY_SETTING]);

    const token = await a.issue(USER, FILE);
    assert(looksLikeStreamToken(token), token);
    assert(token !== await a.issue(USER, FILE), "a fresh nonce each time");
    const grant = await b.verify(token);
    assertEquals(grant?.userId, USER, "another instance accepts it");
    assertEquals(grant?.fileId, FILE.toLowerCase());
    assertEquals(
      grant?.expiresAt.getTime(),
      Math.floor(clock.now().getTime() / 1000) * 1000 + 600_000,
    );

    // Tampering with any part breaks the MAC.
    const parts = token.slice(4).split(".");
    for (let i = 0; i < 4; i++) {
      const forged = [...parts];
      const ch = forged[i].at(-1) === "0" ? "1" : "0";
      forged[i] = forged[i].slice(0, -1) + ch;
      assertEquals(await a.verify("rvt_" + forged.join(".")), undefined, `part ${i} changed`);
    }
    for (
      const bad of [
        "",
        "rvt_",
        token + "x",
        token.replace("rvt_", "rvs_"),
        "rvt_" + "a".repeat(130),
      ]
    ) {
      assertEquals(await a.verify(bad), undefined, JSON.stringify(bad));
    }
    await assertRejects(() => a.issue("not-a-uuid", FILE), Error, "uuid");

    clock.advance(600_000);
    assertEquals(await a.verify(token), undefined, "expired");

    const other = await createTestDatabase();
    try {
      const elsewhere = createStreamTokens({
        settings: createServerSettingsRepo(other.sql),
        clock,
      });
      await elsewhere.start();
      const fresh = await a.issue(USER, FILE);
      assertEquals(await elsewhere.verify(fresh), undefined, "another database's key");
    } finally {
      await other.drop();
    }
  } finally {
    await db.drop();
  }
});
