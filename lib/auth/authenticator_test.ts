import { assertEquals } from "../../tests/assert.ts";
import { createTestDatabase } from "../../tests/db.ts";
import { dbTest } from "../../tests/harness.ts";
import { insertLibrary } from "../../tests/library_helpers.ts";
import { createLogger } from "../observability/logger.ts";
import { systemClock } from "../model/clock.ts";
import { createMemoryRateLimitStore } from "./rate_limit_memory.ts";
import { createAuthServices } from "./mod.ts";

const settings = {
  argon2: { memoryKiB: 19456, timeCost: 2 },
  sessionIdleSec: 3600,
  sessionMaxSec: 86400,
  openRegistration: false,
  // Two instances on one database share the key, as the docs ask.
  secretKey: "ab".repeat(32),
  dataDir: "/nonexistent",
};
const ctx = { actorId: null, actorName: null, clientIp: "127.0.0.1", userAgent: null };

dbTest(
  "Authenticator.libraryAccess follows grants at once, on this and another instance",
  async () => {
    const db = await createTestDatabase();
    const make = () =>
      createAuthServices({
        sql: db.sql,
        clock: systemClock,
        logger: createLogger({ level: "silent" }),
        rateLimitStore: createMemoryRateLimitStore(),
        settings,
      });
    const one = make();
    const two = make();
    await one.start();
    await two.start();
    try {
      const admin = await one.setup.complete(
        { username: "admin", password: "correct horse battery staple" },
        ctx,
      );
      const principal = await one.authenticator.authenticate(admin.token, "bearer", { ip: null });
      const user = await one.users.create(principal!, {
        username: "viewer",
        password: "a long enough password",
        roles: ["user"],
      }, ctx);
      assertEquals(await one.authenticator.libraryAccess(admin.user.id), "all");
      assertEquals(await one.authenticator.libraryAccess(user.id), new Set());
      assertEquals(await two.authenticator.libraryAccess(user.id), new Set(), "cached on two");

      const lib = await insertLibrary(db.sql);
      await one.users.setLibraries(principal!, user.id, [lib], ctx);
      assertEquals(await one.authenticator.libraryAccess(user.id), new Set([lib]));
      let seen: "all" | ReadonlySet<string> = new Set();
      for (let i = 0; i < 100 && (seen as Set<string>).size === 0; i++) {
        seen = await two.authenticator.libraryAccess(user.id);
        if ((seen as Set<string>).size === 0) await new Promise((r) => setTimeout(r, 20));
      }
      assertEquals(seen, new Set([lib]), "the other instance heard the NOTIFY");
    } finally {
      await one.stop();
      await two.stop();
      await db.drop();
    }
  },
);
