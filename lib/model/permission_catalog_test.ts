import { assert, assertEquals } from "../../tests/assert.ts";
import { covers, expandPermissions, isValidPermission, PERMISSIONS } from "./permission_catalog.ts";

Deno.test("isValidPermission accepts catalog names and known wildcards only", () => {
  for (const p of ["users:read", "jobs:manage", "jobs:*", "*:*", "self:*"]) {
    assert(isValidPermission(p), p);
  }
  for (const p of ["users:fly", "nothing:*", "*", "users", "users:read:x", "*:read", ""]) {
    assert(!isValidPermission(p), p);
  }
});

Deno.test("expandPermissions lists the catalog permissions a set grants", () => {
  assertEquals([...expandPermissions(["jobs:*"])].sort(), ["jobs:manage", "jobs:read"]);
  assertEquals(expandPermissions(["*:*"]).size, PERMISSIONS.length);
  assertEquals(expandPermissions([]).size, 0);
});

Deno.test("covers needs every permission the other set grants", () => {
  const mod = new Set(["users:read", "users:update", "requests:*"]);
  assert(covers(mod, ["requests:create", "users:read"]));
  assert(covers(mod, ["requests:*"]));
  assert(!covers(mod, ["users:manage"]));
  assert(!covers(mod, ["*:*"]));
  assert(covers(new Set(["*:*"]), ["*:*", "jobs:manage"]));
  assert(covers(new Set(), []));
});

Deno.test("covers hands out a wildcard only to a holder of that wildcard", () => {
  const allUsers = new Set(["users:read", "users:update", "users:manage"]);
  assert(!covers(allUsers, ["users:*"]), "today's expansion is not the wildcard");
  assert(covers(allUsers, ["users:read", "users:manage"]));
  assert(covers(new Set(["users:*"]), ["users:*"]));
  assert(covers(new Set(["*:*"]), ["users:*", "jobs:*"]));
  assert(!covers(new Set(["jobs:*"]), ["users:*"]));
});
