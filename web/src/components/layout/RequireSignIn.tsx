import { type ReactNode, useEffect } from "react";
import { signInPath } from "../../auth/returnTo";
import { useAuth } from "../../auth/useAuth";
import { navigate } from "../../routing";
import { LoadingState } from "../ui/LoadingState";

/** Renders `children` for signed-in people; sends everyone else to sign in and back. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const { status } = useAuth();
  useEffect(() => {
    if (status === "signedOut") navigate(signInPath(window.location.pathname + window.location.search), { replace: true });
  }, [status]);
  if (status === "signedIn") return children;
  return <LoadingState label={status === "loading" ? "Checking your sign-in…" : "Taking you to sign in…"} />;
}
