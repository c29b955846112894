/**
 * The yardstick of `auth_bench.ts`: a bare `Deno.serve` answering a small
 * JSON body, run as its own process like Revenge. `deno run --allow-net
 * bench/_bare_server.ts <port>`.
 */
const port = Number(Deno.args[0]);
Deno.serve(
  { port, hostname: "127.0.0.1", onListen: () => {} },
  () => Response.json({ status: "ok" }),
);
