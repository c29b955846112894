import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import { createTestDatabase } from "../../tests/db.ts";
import { dbTest } from "../../tests/harness.ts";
import { createServerSettingsRepo } from "../db/server_settings_repo.ts";
import { systemClock } from "../model/clock.ts";
import { UnavailableError } from "../model/errors.ts";
import { createLogger } from "../observability/logger.ts";
import { createSecretBox, decodeKey, KEY_ID_SETTING } from "./secret_box.ts";

Deno.test("decodeKey takes 32 bytes as hex or base64, nothing else", () => {
  assertEquals(decodeKey("00".repeat(32))?.length, 32);
  assertEquals(decodeKey(" " + btoa("k".repeat(32)) + "\n")?.length, 32);
  assertEquals(decodeKey(btoa("k".repeat(32)).replace(/=+$/, ""))?.length, 32);
  assertEquals(decodeKey("00".repeat(31)), undefined);
  assertEquals(decodeKey(btoa("k".repeat(31))), undefined);
  assertEquals(decodeKey("not a key"), undefined);
});

dbTest("SecretBox seals per owner, and a key takes over only when nothing is sealed", async () => {
  const db = await createTestDatabase();
  const dir = await Deno.makeTempDir();
  let sealedCount = 0;
  const box = (key?: string) =>
    createSecretBox({
      source: { key, dataDir: dir },
      settings: createServerSettingsRepo(db.sql),
      sealedWith: () => Promise.resolve(sealedCount),
      clock: systemClock,
      logger: createLogger({ level: "silent" }),
    });
  try {
    const a = box();
    await a.start();
    const sealed = await a.seal(new TextEncoder().encode("JBSWY3DPEHPK3PXP"), "user-1");
    sealedCount = 1;
    assertEquals(new TextDecoder().decode(await a.open(sealed, "user-1")), "JBSWY3DPEHPK3PXP");
    // Bound to its owner: moved to another user's row it does not open.
    await assertRejects(() => a.open(sealed, "user-2"));
    // The key file is made once and read again.
    const again = box();
    await again.start();
    assertEquals((await again.open(sealed, "user-1")).length, 16);

    // Another key, while something is sealed: unavailable, with the reason.
    const b = box("12".repeat(32));
    await b.start();
    await assertRejects(() => b.open(sealed, "user-1"), UnavailableError, "same key");
    await assertRejects(() => b.seal(new Uint8Array(1), "user-1"), UnavailableError);
    // Nothing sealed any more (factors reset after a lost key): the next key takes over...
    sealedCount = 0;
    const c = box("34".repeat(32));
    await c.start();
    const taken = (await c.seal(new Uint8Array(1), "u")).keyId;
    assert(taken !== sealed.keyId);
    // ... and the old one stops sealing instead of mixing keys.
    await assertRejects(() => a.seal(new Uint8Array(1), "u"), UnavailableError);
    assertEquals(await createServerSettingsRepo(db.sql).get(KEY_ID_SETTING), taken);
  } finally {
    await db.drop();
    await Deno.remove(dir, { recursive: true });
  }
});
