/** Small fetch helpers for the PeerShare HTTP API. */

/** An HTTP error from the API: `{error: "<code>", message: "..."}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** A `fetch` for API paths; the signed-in one adds the access token. */
export type ApiFetch = (path: string, init?: RequestInit) => Promise<Response>;

/** The body of a successful response (null for 204), or the server's error as an ApiError. */
export async function readJson(response: Response): Promise<unknown> {
  if (!response.ok) throw await apiErrorOf(response);
  if (response.status === 204) return null;
  const text = await response.text();
  return text === "" ? null : (JSON.parse(text) as unknown);
}

/** The ApiError of a failed response, from its `{error, message}` body when it has one. */
export async function apiErrorOf(response: Response): Promise<ApiError> {
  let code = "http_error";
  let message = `HTTP ${response.status}`;
  try {
    const body = (await response.json()) as { error?: unknown; message?: unknown };
    if (typeof body.error === "string") code = body.error;
    if (typeof body.message === "string") message = body.message;
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(response.status, code, message);
}

/** GETs (or sends `init`) to `path` and returns the parsed body; throws ApiError on 4xx/5xx. */
export async function getJson(path: string, init: RequestInit = {}, fetchImpl: typeof fetch = fetch): Promise<unknown> {
  const response = await fetchImpl(path, { ...init, headers: { Accept: "application/json", ...init.headers } });
  return readJson(response);
}

/** Sends `body` as JSON with `method` through `api` and returns the parsed reply. */
export async function sendJson(api: ApiFetch, method: string, path: string, body?: unknown): Promise<unknown> {
  const init: RequestInit = { method, headers: { Accept: "application/json" }, cache: "no-store" };
  if (body !== undefined) {
    init.headers = { ...init.headers, "Content-Type": "application/json" };
    init.body = JSON.stringify(body, bigintAsNumber);
  }
  return readJson(await api(path, init));
}

/** Generated types carry Rust's u64 as bigint; on the wire they are plain JSON numbers. */
function bigintAsNumber(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? Number(value) : value;
}

/** The message to show for a failed request: the server's own, or a hint about the network. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return sentence(error.message);
  if (error instanceof TypeError) return "Can't reach PeerShare. Check your internet connection and try again.";
  return "Something went wrong. Try again.";
}

/** "sign in first" → "Sign in first."; a leading field name (`avatar_url`) keeps its case. */
function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return "Something went wrong. Try again.";
  const firstWord = trimmed.split(/\s/, 1)[0] ?? "";
  const first = firstWord.includes("_") ? trimmed : trimmed.charAt(0).toLocaleUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}
