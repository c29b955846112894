/**
 * The `radarr.sync` job (one instance, full sync) and `radarr.periodic`
 * (enqueues the syncs of enabled instances whose interval has passed).
 */
import type { SecretBox } from "../../auth/secret_box.ts";
import type { Queryable } from "../../db/client.ts";
import { createRadarrInstanceRepo } from "../../db/radarr_instance_repo.ts";
import { createJobQueue } from "../../jobs/job_queue.ts";
import type { PayloadOutput } from "../../jobs/kinds.ts";
import type { JobHandler } from "../../jobs/types.ts";
import type { Clock } from "../../model/clock.ts";
import type { Logger } from "../../observability/logger.ts";
import { INTEGRATION_KINDS, type IntegrationKinds, syncJobKey } from "../kinds.ts";
import { clientFor, type IntegrationSettings, openApiKey } from "./connect.ts";
import { RadarrError } from "./radarr_client.ts";
import { syncInstance } from "./sync.ts";

/** What the sync jobs need. */
export interface SyncJobDeps {
  clock: Clock;
  logger: Logger;
  settings: IntegrationSettings;
  /** Started lazily, on the first sync of this worker. */
  box: () => Promise<SecretBox>;
}

/** The handler of `radarr.sync`. */
export function syncHandler(
  deps: SyncJobDeps,
): JobHandler<PayloadOutput<IntegrationKinds, "radarr.sync">> {
  return async (job) => {
    const instance = await createRadarrInstanceRepo(job.sql).get(job.payload.instanceId);
    if (!instance) return job.complete();
    const apiKey = await openApiKey(await deps.box(), instance);
    const client = clientFor(deps.settings, { url: instance.url, apiKey });
    try {
      const result = await syncInstance({ sql: job.sql, clock: deps.clock }, instance, client);
      deps.logger.info("radarr sync done", {
        instance: instance.name,
        films: result.films,
        inLibrary: result.inLibrary,
        notInLibrary: result.notInLibrary,
      });
    } catch (e) {
      if (e instanceof RadarrError) {
        await createRadarrInstanceRepo(job.sql).recordSync(instance.id, {
          error: e.message,
        }, deps.clock.now());
      }
      throw e;
    }
    return job.complete();
  };
}

/** The handler of `radarr.periodic`. */
export function periodicSyncHandler(
  deps: { clock: Clock; settings: IntegrationSettings },
): JobHandler<PayloadOutput<IntegrationKinds, "radarr.periodic">> {
  return async (job) => {
    const minutes = deps.settings.radarrSyncIntervalMinutes;
    if (minutes > 0) {
      const due = await createRadarrInstanceRepo(job.sql).dueForSync(deps.clock.now(), minutes);
      await job.complete(async (tx) => {
        for (const instanceId of due) await enqueueSync(tx, instanceId);
      });
      return;
    }
    return job.complete();
  };
}

/** Enqueues the sync of one instance in `q` (one waits per instance). */
export async function enqueueSync(q: Queryable, instanceId: string) {
  return await createJobQueue({ sql: q, kinds: INTEGRATION_KINDS }).enqueue(
    "radarr.sync",
    { instanceId },
    { tx: q, uniqueKey: syncJobKey(instanceId) },
  );
}
