/** What crosses between the script thread and the network thread. */
export interface WireRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  timeoutMs: number;
}

export interface WireResponse {
  status: number;
  /** Lower-case names, as fetch gives them. */
  headers: Record<string, string>;
  body: string;
  durationMs: number;
  url: string;
  /** Empty unless the request failed below HTTP (refused, timed out). */
  error: string;
}
