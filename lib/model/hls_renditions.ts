/** HLS rendition names, as they appear in URLs: the source (copied) and the transcoded ladder. */
export const RENDITIONS = ["source", "1080p", "720p", "480p"] as const;
/** A rendition name. */
export type RenditionName = typeof RENDITIONS[number];
