import { LogIn, LogOut } from "lucide-react";
import { useState } from "react";
import { useAuth } from "../../auth/useAuth";
import { signInPath } from "../../auth/returnTo";
import { navigate, usePathname } from "../../routing";
import { AppLink } from "../ui/AppLink";
import { Logo } from "../ui/Logo";

const LINK = "inline-flex min-h-tap items-center gap-2 rounded-control px-2.5 text-sm font-semibold text-ink hover:bg-surface-3 aria-[current=page]:bg-surface-3 sm:px-3";

/** The account pages' header: logo home, Groups, Profile, and signing in or out. */
export function SiteHeader() {
  const auth = useAuth();
  const pathname = usePathname();
  const [signingOut, setSigningOut] = useState(false);
  const current = (prefix: string) => (pathname === prefix || pathname.startsWith(`${prefix}/`) ? "page" : undefined);

  const signOut = () => {
    setSigningOut(true);
    void auth
      .signOut()
      .catch(() => undefined)
      .finally(() => {
        setSigningOut(false);
        navigate("/");
      });
  };

  return (
    <header className="mx-auto flex w-full max-w-5xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-5 py-4 sm:px-8 sm:py-5">
      <a href="#main" className="sr-only rounded-control bg-surface-3 px-3 py-2 focus:not-sr-only focus:absolute focus:top-2 focus:left-2">
        Skip to content
      </a>
      <AppLink href="/" className="rounded-control">
        <Logo compact />
        <span className="sr-only"> home</span>
      </AppLink>
      <nav aria-label="Account" className="-mr-2.5 flex items-center gap-1 sm:-mr-3">
        {auth.status === "signedIn" ? (
          <>
            <AppLink href="/groups" className={LINK} aria-current={current("/groups")}>
              Groups
            </AppLink>
            <AppLink href="/profile" className={LINK} aria-current={current("/profile")}>
              Profile
            </AppLink>
            <button type="button" className={LINK} onClick={signOut} disabled={signingOut}>
              <LogOut aria-hidden="true" className="size-4" />
              Sign out
            </button>
          </>
        ) : auth.status === "signedOut" && !pathname.startsWith("/signin") ? (
          <AppLink href={signInPath(pathname)} className={LINK}>
            <LogIn aria-hidden="true" className="size-4" />
            Sign in
          </AppLink>
        ) : null}
      </nav>
    </header>
  );
}
