import { ArrowLeft } from "lucide-react";
import { useEffect } from "react";
import { ApiError } from "../api/http";
import { deleteGroup, getGroup, updateGroup, updateSettings } from "../api/groups";
import { useAuth } from "../auth/useAuth";
import { CallHistorySection } from "../components/groups/CallHistorySection";
import { DeleteGroupSection } from "../components/groups/DeleteGroupSection";
import { GroupCallCard } from "../components/groups/GroupCallCard";
import { GroupDetails } from "../components/groups/GroupDetails";
import { GroupSettingsForm } from "../components/groups/GroupSettingsForm";
import { InvitesSection } from "../components/groups/InvitesSection";
import { MembersSection } from "../components/groups/MembersSection";
import { RecordingsSection } from "../components/groups/RecordingsSection";
import { PageLayout } from "../components/layout/PageLayout";
import { RequireSignIn } from "../components/layout/RequireSignIn";
import { AppLink } from "../components/ui/AppLink";
import { ErrorState } from "../components/ui/ErrorState";
import { LoadingState } from "../components/ui/LoadingState";
import { Section } from "../components/ui/Section";
import { useResource } from "../hooks/useResource";
import { canManage } from "../lib/roles";
import { navigate } from "../routing";

/** `/groups/{id}`: one group, its call, members, invites, recordings, settings and history. */
export function GroupPage({ groupId }: { groupId: string }) {
  return (
    <PageLayout title="Group">
      <RequireSignIn>
        <GroupScreen groupId={groupId} />
      </RequireSignIn>
    </PageLayout>
  );
}

function GroupScreen({ groupId }: { groupId: string }) {
  const { api, user } = useAuth();
  const group = useResource(`group:${groupId}:${user?.id ?? ""}`, () => getGroup(api, groupId));
  const name = group.status === "ready" ? group.data.name : null;

  useEffect(() => {
    if (name) document.title = `${name} · PeerShare`;
  }, [name]);

  if (group.status === "loading") return <LoadingState label="Loading the group…" />;
  if (group.status === "error") {
    const missing = group.error instanceof ApiError && group.error.status === 404;
    return (
      <div className="flex flex-col gap-6">
        <h1 className="text-3xl font-bold tracking-tight">{missing ? "Group not found" : "The group didn't load"}</h1>
        <ErrorState
          title={missing ? "This group doesn't exist, or you're not a member" : "Something went wrong"}
          message={missing ? `${group.message ?? ""} Ask a member for an invite link, or go back to your groups.` : (group.message ?? "")}
          onRetry={missing ? undefined : group.reload}
          action={missing ? <BackToGroups /> : undefined}
        />
      </div>
    );
  }

  const data = group.data;
  const replace = (next: typeof data) => group.set(() => next);
  return (
    <div className="flex flex-col gap-6">
      <BackToGroups />
      <GroupDetails group={data} save={(patch) => updateGroup(api, groupId, patch)} onSaved={replace} />
      <GroupCallCard groupId={groupId} />
      <div className="grid gap-6 lg:grid-cols-2 lg:items-start">
        <div className="flex flex-col gap-6">
          <MembersSection
            api={api}
            group={data}
            myId={user?.id ?? ""}
            onLeft={() => navigate("/groups")}
            onMyRoleChanged={(role) => group.set((g) => ({ ...g, role }))}
          />
          <InvitesSection api={api} group={data} />
        </div>
        <div className="flex flex-col gap-6">
          <RecordingsSection api={api} groupId={groupId} />
          <CallHistorySection api={api} groupId={groupId} />
          {canManage(data.role) ? (
            <Section title="Settings">
              <GroupSettingsForm key={data.role} group={data} save={(patch) => updateSettings(api, groupId, patch)} onSaved={replace} />
            </Section>
          ) : null}
          {data.role === "owner" ? <DeleteGroupSection groupName={data.name} remove={() => deleteGroup(api, groupId)} onDeleted={() => navigate("/groups")} /> : null}
        </div>
      </div>
    </div>
  );
}

function BackToGroups() {
  return (
    <AppLink href="/groups" className="inline-flex min-h-tap items-center gap-2 self-start rounded-control text-sm font-semibold text-accent-soft hover:underline">
      <ArrowLeft aria-hidden="true" className="size-4" />
      Your groups
    </AppLink>
  );
}
