import { assert } from "../../tests/assert.ts";
import { isPublicRoute, isSetupPhaseRoute } from "./public_routes.ts";

Deno.test("isPublicRoute matches exact paths and whole prefixes only", () => {
  assert(isPublicRoute("POST", "/api/v1/auth/login"));
  assert(!isPublicRoute("GET", "/api/v1/auth/login"));
  assert(!isPublicRoute("POST", "/api/v1/auth/login/"));
  assert(!isPublicRoute("POST", "/api/v1/auth/logout"));
  assert(isPublicRoute("POST", "/api/v1/auth/mfa/verify"));
  assert(!isPublicRoute("POST", "/api/v1/mfa/totp/verify"));
  assert(isPublicRoute("HEAD", "/healthz"));
  assert(isPublicRoute("GET", "/static/app.css"));
  assert(isPublicRoute("GET", "/api/docs"));
  assert(!isPublicRoute("GET", "/staticx"));
  assert(!isPublicRoute("POST", "/static/app.css"));
  assert(!isPublicRoute("GET", "/api/v1/users/me"));
});

Deno.test("isSetupPhaseRoute leaves out login, registration and the rest", () => {
  assert(isSetupPhaseRoute("POST", "/api/v1/setup"));
  assert(isSetupPhaseRoute("GET", "/api/v1/system/info"));
  assert(!isSetupPhaseRoute("POST", "/api/v1/auth/login"));
  assert(!isSetupPhaseRoute("POST", "/api/v1/auth/register"));
});
