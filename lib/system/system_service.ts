/** Public facts about this server: name, version, whether first-run setup is pending. */
import { VERSION } from "../version.ts";

/** Answer of {@linkcode SystemService.info}. */
export interface SystemInfo {
  name: "Revenge";
  version: string;
  setupRequired: boolean;
}

/** The system service. */
export interface SystemService {
  info(): Promise<SystemInfo>;
}

/** Dependencies of {@linkcode createSystemService}. */
export interface SystemServiceDeps {
  /** True while no administrator exists yet. */
  setupRequired(): Promise<boolean>;
}

/** Creates the system service. */
export function createSystemService(deps: SystemServiceDeps): SystemService {
  return {
    async info() {
      return { name: "Revenge", version: VERSION, setupRequired: await deps.setupRequired() };
    },
  };
}
