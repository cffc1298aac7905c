/** Words for how many people are in a call. */

import type { CallStatus } from "../protocol/generated";

export type { CallStatus };

/** True when the server would not let one more person in right now. */
export function isCallFull(status: CallStatus): boolean {
  return !status.joinable || (status.capacity > 0 && status.participants >= status.capacity);
}

/** The pre-join line, e.g. "1 person is in this call". */
export function describeCallStatus(status: CallStatus): string {
  const { participants } = status;
  if (isCallFull(status)) {
    return participants > 0 && participants < status.capacity
      ? `This call can't take more people right now (${participants} are in it)`
      : "This call is full";
  }
  if (participants <= 0) return "No one else is here yet";
  if (participants === 1) return "1 person is in this call";
  return `${participants} people are in this call`;
}

/** The in-call count, e.g. "2 participants". */
export function participantCountLabel(count: number): string {
  return count === 1 ? "1 participant" : `${count} participants`;
}

/** The in-call line while the call's media node is on its way (null: nothing to say). */
export function mediaNodeMessage(state: "starting" | "moving" | null): string | null {
  switch (state) {
    case "starting":
      return "Getting the call ready for more people. This can take up to a minute; you'll join by yourself.";
    case "moving":
      return "The media server stopped. Moving the call to another one…";
    case null:
      return null;
  }
}
