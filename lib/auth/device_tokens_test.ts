import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import { createTestClock } from "../../tests/auth_helpers.ts";
import { createTestDatabase } from "../../tests/db.ts";
import { dbTest } from "../../tests/harness.ts";
import { createServerSettingsRepo } from "../db/server_settings_repo.ts";
import {
  createDeviceTokens,
  DEVICE_KEY_SETTING,
  DEVICE_TOKEN_MAX_AGE_SEC,
} from "./device_tokens.ts";

dbTest("createDeviceTokens shares one key per database, made once", async () => {
  const db = await createTestDatabase();
  try {
    const clock = createTestClock();
    const settings = createServerSettingsRepo(db.sql);
    // Instances starting at the same time agree on the key.
    const instances = Array.from({ length: 4 }, () => createDeviceTokens({ settings, clock }));
    await Promise.all(instances.map((d) => d.start()));
    const token = await instances[0].issue("Admin");
    for (const d of instances) assert(await d.verify(token, "admin"), "accepted everywhere");
    const rows = await db.sql`select key from server_settings`;
    assertEquals(rows.map((r) => r.key), [DEVICE_KEY_SETTING]);

    const restarted = createDeviceTokens({ settings, clock });
    await restarted.start();
    assert(await restarted.verify(token, "ADMIN"), "the key survives a restart");

    const other = await createTestDatabase();
    try {
      const elsewhere = createDeviceTokens({
        settings: createServerSettingsRepo(other.sql),
        clock,
      });
      await elsewhere.start();
      assertEquals(await elsewhere.verify(token, "admin"), undefined, "another database's key");
    } finally {
      await other.drop();
    }
  } finally {
    await db.drop();
  }
});

dbTest("DeviceTokens.verify answers the nonce only for a genuine, unexpired token", async () => {
  const db = await createTestDatabase();
  try {
    const clock = createTestClock();
    const d = createDeviceTokens({ settings: createServerSettingsRepo(db.sql), clock });
    await d.start();
    const token = await d.issue("admin");
    const nonce = token.split(".")[1];
    assertEquals(await d.verify(token, "admin"), nonce);
    assert(nonce !== (await d.issue("admin")).split(".")[1], "a fresh nonce per token");
    assertEquals(await d.verify(token, "viewer"), undefined, "another account");
    assertEquals(await d.verify(token, "admİn"), undefined, "a look-alike of the account");
    assertEquals(await d.verify(undefined, "admin"), undefined);
    assertEquals(await d.verify(token + "A", "admin"), undefined);
    assertEquals(
      await d.verify(token.replace(/.$/, (c) => c === "A" ? "B" : "A"), "admin"),
      undefined,
    );

    clock.advance((DEVICE_TOKEN_MAX_AGE_SEC - 1) * 1000);
    assertEquals(await d.verify(token, "admin"), nonce, "honoured to the end of its life");
    clock.advance(1000);
    assertEquals(await d.verify(token, "admin"), undefined, "expired after 400 days");

    // A token from an instance whose clock runs ahead is fine within five minutes.
    const ahead = await d.issue("admin");
    clock.advance(-299_000);
    assert(await d.verify(ahead, "admin"));
    clock.advance(-2000);
    assertEquals(await d.verify(ahead, "admin"), undefined, "issued too far in the future");
  } finally {
    await db.drop();
  }
});

dbTest("DeviceTokens.start refuses a stored key it cannot use, without quoting it", async () => {
  const db = await createTestDatabase();
  try {
    await db
      .sql`insert into server_settings (key, value) values (${DEVICE_KEY_SETTING}, '"short"')`;
    const d = createDeviceTokens({
      settings: createServerSettingsRepo(db.sql),
      clock: createTestClock(),
    });
    const e = await assertRejects(() => d.start(), Error);
    assert(!e.message.includes("short"), e.message);
  } finally {
    await db.drop();
  }
});
