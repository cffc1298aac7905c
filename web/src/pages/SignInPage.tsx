import { useEffect, useMemo } from "react";
import { fetchSignInOptions } from "../auth/authApi";
import { safeReturnTo } from "../auth/returnTo";
import { useAuth } from "../auth/useAuth";
import { DevSignInForm } from "../components/auth/DevSignInForm";
import { GuestNote } from "../components/auth/GuestNote";
import { ProviderButtons } from "../components/auth/ProviderButtons";
import { PageLayout } from "../components/layout/PageLayout";
import { ErrorState } from "../components/ui/ErrorState";
import { LoadingState } from "../components/ui/LoadingState";
import { Notice } from "../components/prejoin/Notice";
import { useResource } from "../hooks/useResource";
import { navigate } from "../routing";

/** `/signin?return_to=<path>`: the server's sign-in methods, and what guests can do. */
export function SignInPage() {
  const auth = useAuth();
  const returnTo = useMemo(() => safeReturnTo(window.location.search), []);
  const options = useResource("options", () => fetchSignInOptions(auth.api));

  useEffect(() => {
    if (auth.status === "signedIn") navigate(returnTo, { replace: true });
  }, [auth.status, returnTo]);

  return (
    <PageLayout title="Sign in">
      <div className="mx-auto flex max-w-lg flex-col gap-6">
        <div>
          <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">Sign in to PeerShare</h1>
          <p className="mt-3 text-base text-ink-muted">Keep groups with a standing call, invite people, and see who joined past calls.</p>
        </div>
        {auth.problem ? (
          <Notice tone="warning" title="Your sign-in couldn't be restored">
            {auth.problem}
          </Notice>
        ) : null}
        <section aria-labelledby="methods-heading" className="rounded-card border border-line bg-surface-1 p-5 sm:p-6">
          <h2 id="methods-heading" className="sr-only">
            Ways to sign in
          </h2>
          {options.status === "loading" ? <LoadingState label="Loading sign-in options…" /> : null}
          {options.status === "error" ? (
            <ErrorState title="Sign-in options didn't load" message={options.message ?? ""} onRetry={options.reload} />
          ) : null}
          {options.status === "ready" ? (
            <div className="flex flex-col gap-6">
              <ProviderButtons providers={options.data.providers} returnTo={returnTo} />
              {options.data.providers.length > 0 && options.data.dev_sign_in ? <hr className="border-line" /> : null}
              {options.data.dev_sign_in ? <DevSignInForm onSignIn={(name) => auth.signIn(name)} /> : null}
              {options.data.providers.length === 0 && !options.data.dev_sign_in ? (
                <p className="text-base text-ink-muted">Signing in isn&apos;t set up on this server yet. You can still join calls as a guest.</p>
              ) : null}
            </div>
          ) : null}
        </section>
        <GuestNote />
      </div>
    </PageLayout>
  );
}
