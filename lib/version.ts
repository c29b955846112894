/** Revenge's version, reported by `/api/v1/system/info` and the OpenAPI document. */
export const VERSION = "0.1.0";
