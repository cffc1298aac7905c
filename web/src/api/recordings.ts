/** A group's recordings (`/api/groups/{id}/recordings`): the list with download links (members), deletion (admins, owners). */

import type { RecordingList } from "./generated";
import { type ApiFetch, sendJson } from "./http";

const recordingsPath = (groupId: string) => `/api/groups/${encodeURIComponent(groupId)}/recordings`;

/** `GET /api/groups/{id}/recordings`: newest first; download links expire (ask again for fresh ones). */
export async function listRecordings(api: ApiFetch, groupId: string): Promise<RecordingList> {
  return (await sendJson(api, "GET", recordingsPath(groupId))) as RecordingList;
}

/** `DELETE /api/groups/{id}/recordings/{recording}`: never while it is still recording (409). */
export async function deleteRecording(api: ApiFetch, groupId: string, recordingId: string): Promise<void> {
  await sendJson(api, "DELETE", `${recordingsPath(groupId)}/${encodeURIComponent(recordingId)}`);
}
