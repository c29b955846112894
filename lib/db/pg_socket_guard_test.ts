import { assert, assertEquals } from "../../tests/assert.ts";
import { isPostgresConnectionRejection } from "./pg_socket_guard.ts";

function pgError(code: string, message: string): Error {
  const e = new Error(message) as Error & { code: string };
  e.name = "PostgresError";
  e.code = code;
  return e;
}

Deno.test("isPostgresConnectionRejection matches postgres.js connection errors only", () => {
  assert(isPostgresConnectionRejection(pgError("57P01", "terminating connection")));
  assert(isPostgresConnectionRejection(pgError("57P03", "not accepting connections")));
  const ended = Object.assign(new Error("This socket has been ended by the other party"), {
    code: "EPIPE",
    stack: "Error: ...\n    at nextWrite (file:///x/node_modules/.deno/postgres@3.4.9/" +
      "node_modules/postgres/src/connection.js:10:1)",
  });
  assert(isPostgresConnectionRejection(ended));
  // Not from postgres.js, or not a connection error: not ours to swallow.
  assert(!isPostgresConnectionRejection(Object.assign(new Error("x"), { code: "EPIPE" })));
  assert(!isPostgresConnectionRejection(pgError("23505", "duplicate key")));
  assert(!isPostgresConnectionRejection(new TypeError("boom")));
  assert(!isPostgresConnectionRejection("57P01"));
});

async function runGuarded(rejection: string): Promise<number> {
  const code = `
    import { installPostgresSocketGuard } from ${
    JSON.stringify(new URL("./pg_socket_guard.ts", import.meta.url).href)
  };
    installPostgresSocketGuard(globalThis);
    ${rejection}
    await new Promise((r) => setTimeout(r, 50));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    stdout: "null",
    stderr: "null",
  }).output();
  return out.code;
}

Deno.test("installPostgresSocketGuard keeps the process alive for a lost connection, not for bugs", async () => {
  const lost = `const e = new Error("terminating connection due to administrator command");
    e.name = "PostgresError"; e.code = "57P01"; Promise.reject(e);`;
  assertEquals(await runGuarded(lost), 0);
  assertEquals(await runGuarded(`Promise.reject(new Error("a real bug"));`), 1);
});
