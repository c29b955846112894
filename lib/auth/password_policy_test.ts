import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { ValidationError } from "../model/errors.ts";
import { checkNewPassword, normalizePassword, passwordLengthOk } from "./password_policy.ts";

Deno.test("checkNewPassword counts characters, not UTF-16 units, after NFC", () => {
  checkNewPassword("🎬".repeat(8));
  checkNewPassword("é".repeat(1024));
  checkNewPassword("e\u0301".repeat(1024)); // 2048 code points before NFC, 1024 after
  assertThrows(() => checkNewPassword("🎬".repeat(7)), ValidationError, "at least 8");
  assertThrows(() => checkNewPassword("x".repeat(1025)), ValidationError, "at most 1024");
});

Deno.test("checkNewPassword refuses common passwords and the username, but no compositions", () => {
  assertThrows(() => checkNewPassword("12345678"), ValidationError, "common");
  assertThrows(() => checkNewPassword("Baseball"), ValidationError, "common");
  assertThrows(
    () => checkNewPassword("Frodo.Baggins", { username: "frodo.baggins" }),
    ValidationError,
  );
  checkNewPassword("all lowercase words here");
  checkNewPassword("        ");
  const e = assertThrows(
    () => checkNewPassword("short", { field: "newPassword" }),
    ValidationError,
  );
  assertEquals(e.issues[0].path, "body.newPassword");
});

Deno.test("normalizePassword only composes; it never folds case or width", () => {
  assertEquals(normalizePassword("e\u0301"), "é");
  assertEquals(normalizePassword("ＡＢＣ"), "ＡＢＣ");
  assertEquals(normalizePassword(" Pass "), " Pass ");
  assertEquals(passwordLengthOk(""), false);
  assertEquals(passwordLengthOk("x".repeat(1024)), true);
});
