/**
 * A Revenge module: one domain, declared in one place (`lib/<domain>/module.ts`).
 * It names the modules it needs, its configuration section, its job kinds
 * with their handlers and periodic schedules, and builds what it provides
 * from the core (logger, clock, database pool, data dir) and the services of
 * the modules it needs. The registry (`registry.ts`) creates modules in
 * order, starts them once the database is migrated, and stops them in
 * reverse order, each within a deadline.
 */
import type { ConfigSection, SectionValues } from "../config/config.ts";
import type { Sql } from "../db/client.ts";
import type { PeriodicSchedule } from "../jobs/scheduler.ts";
import type { HookBinding } from "../jobs/hooks.ts";
import type { JobHandler, JobHandlerDeps } from "../jobs/types.ts";
import type { JobKindTable } from "../jobs/kinds.ts";
import type { Clock } from "../model/clock.ts";
import type { RateLimitStore } from "../model/rate_limit.ts";
import type { Readiness } from "../observability/readiness.ts";
import type { Logger } from "../observability/logger.ts";

/** What every module may use: made by `main.ts` before any module. */
export interface CoreDeps {
  logger: Logger;
  clock: Clock;
  /** The main thread's pool. */
  sql: Sql;
  /** `server.dataDir`, resolved. */
  dataDir: string;
  /** Shared rate-limit store (memory, or Redis across instances). */
  rateLimitStore: RateLimitStore;
  readiness: Readiness;
  /**
   * Web Worker modules, named by main.ts (lib/ does not know workers/):
   * `transcode` is `workers/transcode_worker.ts`. Absent where nothing is started.
   */
  workerUrls?: { transcode?: URL };
}

/** The services every module and route can use without a module providing them. */
export interface CoreServices {
  readiness: Readiness;
}

/** What a module's `create` gets. */
export interface ModuleContext<S> extends CoreDeps {
  /** This module's configuration section. */
  settings: S;
  /** The services of a module this one `needs`. */
  use<M extends AnyModule>(module: M): ProvidedBy<M>;
  /** Every module's job kinds. */
  kinds: JobKindTable;
  /** Every periodic schedule of every module (the jobs admin lists and runs them). */
  schedules: readonly PeriodicSchedule<JobKindTable>[];
}

/** A created module: what it provides, and its lifecycle. */
export interface ModuleInstance<P> {
  /** Services keyed by name; they become `c.var.services.<name>`. */
  provides: P;
  /** After migrations, before the server is ready (e.g. LISTEN for invalidations). */
  start?(): Promise<void>;
  /** At shutdown, in reverse start order, within the shutdown deadline. */
  stop?(): Promise<void>;
}

/** Handlers keyed by kind; each is typed by its own kind table where it is written. */
export type AnyHandlers = Record<string, JobHandler<never>>;

/** A module's jobs. Handlers run in job workers, with settings copied into the worker. */
export interface ModuleJobs<S> {
  kinds: JobKindTable;
  /** Builds the handlers inside a job worker (its own pool, logger and this module's settings). */
  handlers(deps: JobHandlerDeps<S>): AnyHandlers | Promise<AnyHandlers>;
  /**
   * Listeners of other modules' hook points (lib/jobs/hooks.ts), built in a
   * job worker before any handler; `deps.hooks` is not set yet.
   */
  hooks?(deps: Omit<JobHandlerDeps<S>, "hooks">): HookBinding[];
  /** Periodic schedules (once per period across instances); may depend on settings. */
  schedules?(settings: S): PeriodicSchedule<JobKindTable>[];
  /**
   * The settings copied into job workers, from every section (default: this
   * module's own section); for handlers that also need a value of another
   * section (the notifications' handlers open secrets with `auth`'s key).
   */
  workerSettings?(config: Record<string, unknown>): S;
}

/** A module. */
export interface RevengeModule<N extends string = string, P = unknown, S = unknown> {
  name: N;
  /** Modules that must be created and started before this one. */
  needs?: readonly AnyModule[];
  config?: ConfigSection;
  jobs?: ModuleJobs<S>;
  /**
   * The URL of the file that exports this module as `module`: job workers
   * import it to build the handlers (production modules: `import.meta.url`).
   */
  url: string;
  create(ctx: ModuleContext<S>): ModuleInstance<P>;
}

/** Any module. */
// deno-lint-ignore no-explicit-any
export type AnyModule = RevengeModule<string, any, any>;

/** What a module provides. */
export type ProvidedBy<M> = M extends RevengeModule<string, infer P, infer _S> ? P : never;

/** Declares a module, typing its settings from its configuration section. */
export function defineModule<const N extends string, P, C extends ConfigSection | undefined>(
  m: {
    name: N;
    needs?: readonly AnyModule[];
    config?: C;
    jobs?: ModuleJobs<C extends ConfigSection ? SectionValues<C> : Record<never, never>>;
    url: string;
    create(
      ctx: ModuleContext<C extends ConfigSection ? SectionValues<C> : Record<never, never>>,
    ): ModuleInstance<P>;
  },
): RevengeModule<N, P, C extends ConfigSection ? SectionValues<C> : Record<never, never>> {
  return m as RevengeModule<
    N,
    P,
    C extends ConfigSection ? SectionValues<C> : Record<never, never>
  >;
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends
  (x: infer I) => void ? I : never;

/** The services of a list of modules, together with the core ones. */
export type ServicesOf<T extends readonly AnyModule[]> =
  & CoreServices
  & UnionToIntersection<ProvidedBy<T[number]>>;
