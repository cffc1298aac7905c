/** Words for how many people are in a call. */

export type CallStatus = { participants: number; capacity: number };

/** The pre-join line, e.g. "1 person is in this call". */
export function describeCallStatus(status: CallStatus): string {
  const { participants, capacity } = status;
  if (capacity > 0 && participants >= capacity) return "This call is full";
  if (participants <= 0) return "No one else is here yet";
  if (participants === 1) return "1 person is in this call";
  return `${participants} people are in this call`;
}

/** The in-call count, e.g. "2 participants". */
export function participantCountLabel(count: number): string {
  return count === 1 ? "1 participant" : `${count} participants`;
}
