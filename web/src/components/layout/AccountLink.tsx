import { LogIn, UsersRound } from "lucide-react";
import { useAuth } from "../../auth/useAuth";
import { AppLink } from "../ui/AppLink";

const LINK = "inline-flex min-h-tap items-center gap-2 rounded-control border border-line-strong px-4 text-sm font-semibold text-ink hover:bg-surface-3";

/** The landing page's way into accounts: "Your groups" when signed in, else "Sign in". */
export function AccountLink() {
  const { status } = useAuth();
  if (status === "loading") return null;
  return status === "signedIn" ? (
    <AppLink href="/groups" className={LINK}>
      <UsersRound aria-hidden="true" className="size-4" />
      Your groups
    </AppLink>
  ) : (
    <AppLink href="/signin" className={LINK}>
      <LogIn aria-hidden="true" className="size-4" />
      Sign in
    </AppLink>
  );
}
