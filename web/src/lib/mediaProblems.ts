/** Turning camera and microphone failures into advice a person can act on. */

export type MediaKind = "audio" | "video";

/** Why one kind of device could not be used. */
export type DeviceProblem = "permission-denied" | "not-found" | "in-use" | "unavailable";

export type MediaProblems = Partial<Record<MediaKind, DeviceProblem>>;

/** Classifies a getUserMedia rejection. */
export function classifyMediaError(error: unknown): DeviceProblem {
  const name = error instanceof Error || isNamed(error) ? error.name : "";
  switch (name) {
    case "NotAllowedError":
    case "PermissionDeniedError":
    case "SecurityError":
      return "permission-denied";
    case "NotFoundError":
    case "DevicesNotFoundError":
    case "OverconstrainedError":
      return "not-found";
    case "NotReadableError":
    case "TrackStartError":
    case "AbortError":
      return "in-use";
    default:
      return "unavailable";
  }
}

function isNamed(value: unknown): value is { name: string } {
  return typeof value === "object" && value !== null && typeof (value as { name?: unknown }).name === "string";
}

export type MediaAdvice = {
  title: string;
  body: string;
  /** Whether trying again (without changing browser settings) might help. */
  canRetry: boolean;
};

const DEVICE_NAMES: Record<MediaKind, string> = { audio: "microphone", video: "camera" };

/** What to tell someone about the devices that failed, or null when everything works. */
export function adviseOnMediaProblems(problems: MediaProblems): MediaAdvice | null {
  const kinds = (Object.keys(problems) as MediaKind[]).filter((k) => problems[k]).sort();
  if (kinds.length === 0) return null;
  const both = kinds.length === 2;
  const devices = both ? "camera and microphone" : DEVICE_NAMES[kinds[0] as MediaKind];
  const other = both ? null : kinds[0] === "audio" ? "camera" : "microphone";
  const problem = worstProblem(kinds.map((k) => problems[k] as DeviceProblem));

  switch (problem) {
    case "permission-denied":
      return {
        title: `PeerShare can't use your ${devices}`,
        body:
          `Your browser is blocking access. Select the camera or lock icon in the address bar, ` +
          `allow the ${devices} for this site, then reload the page. ` +
          (other ? `You can still join with your ${other}.` : "You can still join to listen and watch."),
        canRetry: false,
      };
    case "not-found":
      return {
        title: both ? "No camera or microphone found" : `No ${devices} found`,
        body:
          `Connect a ${devices} and select Try again. ` +
          (other ? `You can also join with just your ${other}.` : "You can also join now to listen and watch."),
        canRetry: true,
      };
    case "in-use":
      return {
        title: `Your ${devices} ${both ? "are" : "is"} being used by another app`,
        body:
          `Close other apps or tabs that might be using it, such as another call, then select Try again. ` +
          (other ? `You can still join with your ${other}.` : "You can still join to listen and watch."),
        canRetry: true,
      };
    case "unavailable":
      return {
        title: `Your ${devices} couldn't be started`,
        body: "Select Try again, or choose a different device. You can still join to listen and watch.",
        canRetry: true,
      };
  }
}

const SEVERITY: DeviceProblem[] = ["permission-denied", "in-use", "not-found", "unavailable"];

function worstProblem(problems: DeviceProblem[]): DeviceProblem {
  return SEVERITY.find((p) => problems.includes(p)) ?? "unavailable";
}
