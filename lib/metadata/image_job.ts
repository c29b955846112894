/**
 * The `metadata.image` job: one image downloaded (or read) into the cache.
 * An image that cannot be had (not an image, 404, refused URL) is marked
 * failed at once and the job succeeds; a transient failure (network, 5xx,
 * TMDb unreachable) is retried with back-off, and the last attempt marks
 * the image failed with its reason rather than leaving it pending forever
 * (a later ensure of the image, after a while, tries again).
 */
import type { PayloadOutput } from "../jobs/kinds.ts";
import type { JobHandler } from "../jobs/types.ts";
import type { ImageService } from "./image_service.ts";
import type { MetadataKinds } from "./kinds.ts";

/** The handler of `metadata.image`. */
export function imageJobHandler(
  images: ImageService,
): JobHandler<PayloadOutput<MetadataKinds, "metadata.image">> {
  return async (job) => {
    const { imageId } = job.payload;
    try {
      await images.fetch(imageId, job.signal);
    } catch (e) {
      // Shutdown, cancellation and lost leases are not the image's fault.
      if (job.attempt >= job.maxAttempts && !job.signal.aborted) {
        await images.giveUp(imageId, `Gave up after ${job.attempt} attempts: ${describe(e)}`);
      }
      throw e;
    }
    await job.complete();
  };
}

function describe(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).slice(0, 300);
}
