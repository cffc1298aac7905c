import { useAuth } from "../auth/useAuth";
import { createGroup, listGroups } from "../api/groups";
import { GroupList } from "../components/groups/GroupList";
import { NewGroupForm } from "../components/groups/NewGroupForm";
import { PageLayout } from "../components/layout/PageLayout";
import { RequireSignIn } from "../components/layout/RequireSignIn";
import { ErrorState } from "../components/ui/ErrorState";
import { LoadingState } from "../components/ui/LoadingState";
import { Section } from "../components/ui/Section";
import { useResource } from "../hooks/useResource";
import { navigate } from "../routing";

/** `/groups`: the signed-in person's groups and a form for a new one. */
export function GroupsPage() {
  return (
    <PageLayout title="Your groups">
      <RequireSignIn>
        <Groups />
      </RequireSignIn>
    </PageLayout>
  );
}

function Groups() {
  const { api, user } = useAuth();
  const groups = useResource(`groups:${user?.id ?? ""}`, () => listGroups(api));

  return (
    <div className="grid gap-8 lg:grid-cols-[minmax(0,1.6fr)_minmax(0,1fr)] lg:items-start">
      <div>
        <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">Your groups</h1>
        <p className="mt-2 text-base text-ink-muted">Each group has its own call link that stays the same.</p>
        <div className="mt-6">
          {groups.status === "loading" ? <LoadingState label="Loading your groups…" /> : null}
          {groups.status === "error" ? <ErrorState title="Your groups didn't load" message={groups.message ?? ""} onRetry={groups.reload} /> : null}
          {groups.status === "ready" ? <GroupList groups={groups.data} /> : null}
        </div>
      </div>
      <Section title="New group">
        <NewGroupForm create={(body) => createGroup(api, body)} onCreated={(group) => navigate(`/groups/${encodeURIComponent(group.id)}`)} />
      </Section>
    </div>
  );
}
