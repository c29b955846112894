/**
 * The scanner's hook point (lib/jobs/hooks.ts): other modules react to the
 * films a link batch touched, inside that batch's transaction, without the
 * scanner knowing them (the metadata module enqueues identification).
 */
import { defineHook } from "../jobs/hooks.ts";

/** What one link batch did to films. */
export interface FilmsLinked {
  libraryId: string;
  /** Films that got a new, changed or moved file in this batch (the films it created among them). */
  movieIds: string[];
}

/** Runs in each link transaction that touched films (lib/library/2_link.ts). */
export const FILMS_LINKED = defineHook<FilmsLinked>("library.films-linked");
