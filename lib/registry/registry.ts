/**
 * The registry: creates modules in order, collects their job kinds,
 * handler sources and schedules, starts them once the database is ready,
 * and stops them in reverse order, each within a deadline, so one module
 * that hangs cannot keep the others (or the database) from closing.
 */
import type { JobKindTable } from "../jobs/kinds.ts";
import type { PeriodicSchedule } from "../jobs/scheduler.ts";
import type { HandlerSource } from "../jobs/types.ts";
import type { AnyModule, CoreDeps, ModuleInstance, ProvidedBy, ServicesOf } from "./module.ts";

/** What the job runner needs from every module together. */
export interface RegistryJobs {
  kinds: JobKindTable;
  sources: HandlerSource[];
  schedules: PeriodicSchedule<JobKindTable>[];
}

/** Created modules. */
export interface Registry<T extends readonly AnyModule[]> {
  services: ServicesOf<T>;
  jobs: RegistryJobs;
  /** Module names in start order. */
  order: string[];
  /** Starts every module in order. */
  start(): Promise<void>;
  /** Stops the started modules in reverse order, giving each at most `deadlineMs`. */
  stop(deadlineMs: number): Promise<void>;
}

/** Raised when modules are wired wrongly (a bug in the module list, not in input). */
export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RegistryError";
  }
}

function collectJobs(
  modules: readonly AnyModule[],
  settingsOf: (m: AnyModule) => unknown,
  config: Record<string, unknown>,
): RegistryJobs {
  const kinds: JobKindTable = {};
  const sources: HandlerSource[] = [];
  const schedules: PeriodicSchedule<JobKindTable>[] = [];
  for (const m of modules) {
    if (!m.jobs) continue;
    for (const [kind, spec] of Object.entries(m.jobs.kinds)) {
      if (kinds[kind]) throw new RegistryError(`job kind ${kind} is declared twice`);
      kinds[kind] = spec;
    }
    sources.push({ url: m.url, settings: m.jobs.workerSettings?.(config) ?? settingsOf(m) });
    for (const s of m.jobs.schedules?.(settingsOf(m)) ?? []) {
      if (!m.jobs.kinds[s.kind]) {
        throw new RegistryError(`schedule ${s.name} of ${m.name} fires unknown kind ${s.kind}`);
      }
      if (schedules.some((x) => x.name === s.name)) {
        throw new RegistryError(`schedule ${s.name} is declared twice`);
      }
      schedules.push(s);
    }
  }
  return { kinds, sources, schedules };
}

/**
 * Creates every module of `modules` (in that order; each after the modules
 * it needs) on `core`, with its section of `config`.
 */
export function createRegistry<const T extends readonly AnyModule[]>(
  modules: T,
  core: CoreDeps,
  config: Record<string, unknown>,
): Registry<T> {
  const names = new Set<string>();
  for (const m of modules) {
    if (names.has(m.name)) throw new RegistryError(`two modules named ${m.name}`);
    names.add(m.name);
  }
  const settingsOf = (m: AnyModule) => (m.config ? config[m.config.name] : {}) ?? {};
  const jobs = collectJobs(modules, settingsOf, config);
  const created = new Map<AnyModule, ModuleInstance<unknown>>();
  const services: Record<string, unknown> = { readiness: core.readiness };
  for (const m of modules) {
    for (const need of m.needs ?? []) {
      if (!created.has(need)) {
        throw new RegistryError(`${m.name} needs ${need.name}, which is not listed before it`);
      }
    }
    const instance = m.create({
      ...core,
      settings: settingsOf(m),
      kinds: jobs.kinds,
      schedules: jobs.schedules,
      use<M extends AnyModule>(dep: M): ProvidedBy<M> {
        if (!(m.needs ?? []).includes(dep)) {
          throw new RegistryError(`${m.name} uses ${dep.name} without needing it`);
        }
        return created.get(dep)!.provides as ProvidedBy<M>;
      },
    });
    for (const key of Object.keys(instance.provides as object)) {
      if (key in services) throw new RegistryError(`service ${key} is provided twice`);
    }
    Object.assign(services, instance.provides);
    created.set(m, instance);
  }

  const started: [string, ModuleInstance<unknown>][] = [];
  return {
    services: services as ServicesOf<T>,
    jobs,
    order: modules.map((m) => m.name),
    async start() {
      for (const m of modules) {
        const instance = created.get(m)!;
        await instance.start?.();
        started.push([m.name, instance]);
      }
    },
    async stop(deadlineMs) {
      while (started.length) {
        const [name, instance] = started.pop()!;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), deadlineMs)));
        try {
          const outcome = await Promise.race([instance.stop?.().then(() => "done"), late]);
          if (outcome === "late") {
            core.logger.warn("module did not stop in time; going on", { module: name, deadlineMs });
          }
        } catch (e) {
          core.logger.warn("module failed to stop", { module: name, error: e as Error });
        } finally {
          clearTimeout(timer);
        }
      }
    },
  };
}
