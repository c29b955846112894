/**
 * Facts about this server: the public ones (name, version, whether first-run
 * setup is pending) and, for the admin dashboard, how long this instance has
 * run and how large the database is.
 */
import { VERSION } from "../version.ts";

/** Answer of {@linkcode SystemService.info}. */
export interface SystemInfo {
  name: "Revenge";
  version: string;
  setupRequired: boolean;
}

/** Answer of {@linkcode SystemService.status}. */
export interface SystemStatus {
  version: string;
  /** When this instance's services were created. */
  startedAt: Date;
  uptimeSeconds: number;
  /** `pg_database_size` of the current database; null if it could not be read. */
  databaseBytes: number | null;
  /** The PostgreSQL server's version (`server_version`). */
  databaseVersion: string | null;
}

/** The system service. */
export interface SystemService {
  info(): Promise<SystemInfo>;
  /** Version, uptime and database size (the admin dashboard). */
  status(): Promise<SystemStatus>;
}

/** Dependencies of {@linkcode createSystemService}. */
export interface SystemServiceDeps {
  /** True while no administrator exists yet. */
  setupRequired(): Promise<boolean>;
  /** The database's size in bytes and its server version. */
  database?(): Promise<{ bytes: number; version: string }>;
  now?(): Date;
}

/** Creates the system service. */
export function createSystemService(deps: SystemServiceDeps): SystemService {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  return {
    async info() {
      return { name: "Revenge", version: VERSION, setupRequired: await deps.setupRequired() };
    },
    async status() {
      const db = await deps.database?.().catch(() => undefined);
      return {
        version: VERSION,
        startedAt,
        uptimeSeconds: Math.max(0, Math.floor((now().getTime() - startedAt.getTime()) / 1000)),
        databaseBytes: db?.bytes ?? null,
        databaseVersion: db?.version ?? null,
      };
    },
  };
}
