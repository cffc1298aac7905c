import { LogOut } from "lucide-react";
import { getProfile, updateProfile } from "../api/profile";
import { useAuth } from "../auth/useAuth";
import { PageLayout } from "../components/layout/PageLayout";
import { RequireSignIn } from "../components/layout/RequireSignIn";
import { ProfileForm } from "../components/profile/ProfileForm";
import { Button } from "../components/ui/Button";
import { ErrorState } from "../components/ui/ErrorState";
import { LiveMessage } from "../components/ui/LiveMessage";
import { LoadingState } from "../components/ui/LoadingState";
import { Section } from "../components/ui/Section";
import { useAction } from "../hooks/useAction";
import { useResource } from "../hooks/useResource";
import { navigate } from "../routing";

/** `/profile`: name, avatar, call preferences, and signing out. */
export function ProfilePage() {
  return (
    <PageLayout title="Profile">
      <RequireSignIn>
        <Profile />
      </RequireSignIn>
    </PageLayout>
  );
}

function Profile() {
  const auth = useAuth();
  const profile = useResource(`profile:${auth.user?.id ?? ""}`, () => getProfile(auth.api));
  const signOut = useAction();

  return (
    <div className="mx-auto flex max-w-2xl flex-col gap-6">
      <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">Your profile</h1>
      <Section title="Profile and preferences">
        {profile.status === "loading" ? <LoadingState label="Loading your profile…" /> : null}
        {profile.status === "error" ? <ErrorState title="Your profile didn't load" message={profile.message ?? ""} onRetry={profile.reload} /> : null}
        {profile.status === "ready" ? (
          <ProfileForm
            profile={profile.data}
            save={(patch) => updateProfile(auth.api, patch)}
            onSaved={(saved) => {
              profile.set(() => saved);
              auth.setUser(saved);
            }}
          />
        ) : null}
      </Section>
      <Section title="Sign out" description="Ends your sign-in in this browser.">
        <Button
          variant="secondary"
          icon={<LogOut className="size-4" />}
          aria-disabled={signOut.pending || undefined}
          onClick={() => void signOut.run(() => auth.signOut()).then(() => navigate("/"))}
        >
          Sign out
        </Button>
        <LiveMessage message={signOut.message} className="mt-3" />
      </Section>
    </div>
  );
}
