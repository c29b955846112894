/**
 * The administrators' folder browser (`GET /api/v1/admin/folders`) against
 * a real folder tree: folders only (no file, no hidden folder), only under
 * the configured roots, symlinks followed only when they stay inside, bad
 * paths a 400 and everything outside a 404, administrators only; and the
 * traversal corpus in the `path` parameter.
 */
import { join } from "node:path";
import { assertEquals } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { call, createUser, setupAdmin } from "./auth_helpers.ts";
import { assertNoTraversal } from "./traversal.ts";

const names = (body: { folders: { name: string }[] }) => body.folders.map((f) => f.name);

dbTest("GET /api/v1/admin/folders lists folders under the roots only", async (t) => {
  const tree = await Deno.realPath(await Deno.makeTempDir({ prefix: "revenge-folders-" }));
  const root = join(tree, "media");
  await Deno.mkdir(join(root, "films", "a"), { recursive: true });
  await Deno.mkdir(join(root, "films", "b b"), { recursive: true });
  await Deno.mkdir(join(root, "films", ".hidden"), { recursive: true });
  await Deno.mkdir(join(tree, "outside"), { recursive: true });
  await Deno.writeTextFile(join(root, "films", "x.mkv"), "not a folder");
  await Deno.writeTextFile(join(tree, "outside", "secret.txt"), "outside-secret-marker-0123456789");
  await Deno.symlink(join(tree, "outside"), join(root, "films", "escape"));
  await Deno.symlink("/etc", join(root, "films", "etc"));
  await Deno.symlink(join(root, "films", "a"), join(root, "films", "inner"));
  const other = join(tree, "other");
  await Deno.mkdir(other);
  const app = await startTestApp({ env: { REVENGE_LIBRARY_BROWSE_ROOTS: root } });
  try {
    const { token } = await setupAdmin(app);
    const list = (path?: string, as = token) =>
      call(
        app,
        "GET",
        "/api/v1/admin/folders" + (path === undefined ? "" : `?path=${encodeURIComponent(path)}`),
        { token: as },
      );

    await t.step("the only root, then a folder: folders only, symlinks kept inside", async () => {
      const top = await list();
      assertEquals(top.status, 200, JSON.stringify(top.body));
      assertEquals(top.body.path, root);
      assertEquals(top.body.parent, null, "nothing above a root");
      assertEquals(names(top.body), ["films"]);
      const films = await list(join(root, "films"));
      assertEquals(films.status, 200);
      assertEquals(names(films.body), ["a", "b b", "inner"]);
      assertEquals(
        films.body.folders.find((f: { name: string }) => f.name === "inner").path,
        join(root, "films", "a"),
        "a symlink lists its real path",
      );
      assertEquals(films.body.parent, root);
      assertEquals(films.body.truncated, false);
    });

    await t.step("outside the roots, files, and bad paths are refused", async () => {
      for (
        const p of [
          "/etc",
          tree,
          join(tree, "outside"),
          join(root, "films", "escape"),
          join(root, "films", "etc"),
          join(root, "films", "x.mkv"),
          join(root, "nope"),
          other,
        ]
      ) {
        const r = await list(p);
        assertEquals(r.status, 404, `${p}: ${JSON.stringify(r.body)}`);
        assertEquals(r.body.detail, "No such folder.");
      }
      for (
        const p of [
          "films",
          `${root}/..`,
          `${root}/films/../..`,
          `${root}/./films`,
          `${root}/\u0000`,
        ]
      ) {
        const r = await list(p);
        assertEquals(r.status, 400, `${p}: ${JSON.stringify(r.body)}`);
      }
    });

    await t.step("only administrators", async () => {
      const user = await createUser(app, token, "viewer");
      assertEquals((await list(root, user.token)).status, 403);
      assertEquals((await app.fetch("/api/v1/admin/folders")).status, 401);
    });

    await t.step("the traversal corpus in ?path= finds nothing outside", async () => {
      await assertNoTraversal(app.url, `/api/v1/admin/folders?path=${root}/`, {
        headers: { authorization: `Bearer ${token}` },
        secrets: ["outside-secret-marker-0123456789", "secret.txt"],
        maxDepth: 3,
      });
    });
  } finally {
    await app.close();
    await Deno.remove(tree, { recursive: true });
  }
});

dbTest("GET /api/v1/admin/folders without a path lists several roots", async () => {
  const a = await Deno.realPath(await Deno.makeTempDir({ prefix: "revenge-root-a-" }));
  const b = await Deno.realPath(await Deno.makeTempDir({ prefix: "revenge-root-b-" }));
  const app = await startTestApp({
    env: { REVENGE_LIBRARY_BROWSE_ROOTS: `${a},${b},/nonexistent-root` },
  });
  try {
    const { token } = await setupAdmin(app);
    const r = await call(app, "GET", "/api/v1/admin/folders", { token });
    assertEquals(r.status, 200);
    assertEquals(r.body.path, null);
    assertEquals(r.body.folders.map((f: { path: string }) => f.path), [a, b]);
  } finally {
    await app.close();
    await Deno.remove(a, { recursive: true });
    await Deno.remove(b, { recursive: true });
  }
});
