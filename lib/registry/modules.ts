/**
 * The production modules, in start order, and what follows from them: the
 * services routes can call, and the configuration sections. Adding a domain
 * is one line here and its own `lib/<domain>/module.ts`.
 */
import { module as auth } from "../auth/module.ts";
import { module as jobs } from "../jobs/module.ts";
import { module as system } from "../system/module.ts";
import { module as library } from "../library/module.ts";
import { module as movies } from "../movies/module.ts";
import { module as metadata } from "../metadata/module.ts";
import { module as transcode } from "../playback/hls/module.ts";
import { module as playback } from "../playback/module.ts";
import { module as integrations } from "../integrations/module.ts";
import { module as notifications } from "../notifications/module.ts";
import { module as search } from "../search/module.ts";
import { module as backup } from "../backup/module.ts";
import type { ConfigOf, ConfigSection } from "../config/config.ts";
import { serverConfig } from "../config/server_config.ts";
import { httpConfig } from "../http/config.ts";
import { databaseConfig } from "../db/config.ts";
import { logConfig, metricsConfig } from "../observability/config.ts";
import { authConfig } from "../auth/config.ts";
import { jobsConfig } from "../jobs/config.ts";
import { libraryConfig } from "../library/config.ts";
import { moviesConfig } from "../movies/config.ts";
import { metadataConfig } from "../metadata/config.ts";
import { transcodeConfig } from "../playback/hls/config.ts";
import { playbackConfig } from "../playback/config.ts";
import { integrationsConfig } from "../integrations/config.ts";
import { notificationsConfig } from "../notifications/config.ts";
import { searchConfig } from "../search/config.ts";
import { backupConfig } from "../backup/config.ts";
import type { AnyModule, ServicesOf } from "./module.ts";

/** Every production module, in start order (a module comes after those it needs). */
export const PRODUCTION_MODULES = [
  auth,
  jobs,
  system,
  library,
  movies,
  metadata,
  transcode,
  playback,
  integrations,
  notifications,
  search,
  backup,
] as const;

/** Sections read by the core (`main.ts`) rather than by one module. */
export const CORE_SECTIONS = [
  serverConfig,
  httpConfig,
  databaseConfig,
  logConfig,
  metricsConfig,
] as const;

/** Everything a route handler may call (`c.var.services`). */
export type Services = ServicesOf<typeof PRODUCTION_MODULES>;

/** The production configuration. */
export type Config = ConfigOf<
  [
    ...typeof CORE_SECTIONS,
    typeof authConfig,
    typeof jobsConfig,
    typeof libraryConfig,
    typeof moviesConfig,
    typeof metadataConfig,
    typeof transcodeConfig,
    typeof playbackConfig,
    typeof integrationsConfig,
    typeof notificationsConfig,
    typeof searchConfig,
    typeof backupConfig,
  ]
>;

/** The sections of the core and of `modules`, each once, in order. */
export function configSections(modules: readonly AnyModule[]): ConfigSection[] {
  const out: ConfigSection[] = [...CORE_SECTIONS];
  for (const m of modules) {
    if (!m.config) continue;
    const same = out.find((s) => s.name === m.config!.name);
    if (same && same !== m.config) throw new Error(`two config sections named ${m.config.name}`);
    if (!same) out.push(m.config);
  }
  return out;
}
