/** The call-related HTTP endpoints. */

import type { IceConfig } from "../protocol/generated";
import type { CallStatus } from "../lib/callStatus";
import { getJson } from "./http";

/** `GET /api/turn-credentials`, for the holder of call pass `pass` (credentials expire with it). */
export async function fetchIceConfig(pass: string, signal?: AbortSignal, fetchImpl?: typeof fetch): Promise<IceConfig> {
  const headers = { Authorization: `Bearer ${pass}` };
  const body = await getJson("/api/turn-credentials", { signal, headers, cache: "no-store" }, fetchImpl);
  if (!isIceConfig(body)) throw new Error("unexpected ICE configuration from the server");
  return body;
}

/** `GET /api/groups/{id}/call/status`. */
export async function fetchCallStatus(groupId: string, signal?: AbortSignal, fetchImpl?: typeof fetch): Promise<CallStatus> {
  const body = await getJson(
    `/api/groups/${encodeURIComponent(groupId)}/call/status`,
    { signal, cache: "no-store" },
    fetchImpl,
  );
  const status = body as Partial<CallStatus> | null;
  if (typeof status?.participants !== "number" || typeof status.capacity !== "number" || typeof status.joinable !== "boolean") {
    throw new Error("unexpected call status from the server");
  }
  return { participants: status.participants, capacity: status.capacity, joinable: status.joinable };
}

function isIceConfig(value: unknown): value is IceConfig {
  const v = value as Partial<IceConfig> | null;
  return (
    typeof v === "object" &&
    v !== null &&
    Array.isArray(v.iceServers) &&
    v.iceServers.every((s) => Array.isArray(s?.urls) || typeof (s?.urls as unknown) === "string") &&
    (v.iceTransportPolicy === "all" || v.iceTransportPolicy === "relay") &&
    typeof v.ttlSeconds === "number" &&
    typeof v.expiresAt === "number"
  );
}

/** The parts of an IceConfig that go into RTCConfiguration. */
export function toRtcConfiguration(config: IceConfig): RTCConfiguration {
  return { iceServers: config.iceServers, iceTransportPolicy: config.iceTransportPolicy };
}
