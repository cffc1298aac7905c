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

export async function getJson(path: string, init: RequestInit = {}, fetchImpl: typeof fetch = fetch): Promise<unknown> {
  const response = await fetchImpl(path, { ...init, headers: { Accept: "application/json", ...init.headers } });
  if (!response.ok) {
    let code = "http_error";
    let message = `HTTP ${response.status}`;
    try {
      const body = (await response.json()) as { error?: unknown; message?: unknown };
      if (typeof body.error === "string") code = body.error;
      if (typeof body.message === "string") message = body.message;
    } catch {
      // Not JSON: keep the status line.
    }
    throw new ApiError(response.status, code, message);
  }
  return response.json();
}
