import { useContext, useMemo, useSyncExternalStore } from "react";
import type { ProfileView } from "../api/generated";
import type { ApiFetch } from "../api/http";
import { AuthContext } from "./authContext";
import type { AuthSnapshot, AuthStore } from "./authStore";

export type UseAuth = AuthSnapshot & {
  /** Dev sign-in by name. */
  signIn(name: string): Promise<ProfileView>;
  signOut(): Promise<void>;
  /** `fetch` for API paths carrying the access token. */
  api: ApiFetch;
  /** A fresh access token, or null when signed out. */
  accessToken(): Promise<string | null>;
  setUser(user: ProfileView): void;
  store: AuthStore;
};

/** The signed-in state and the session's actions; needs an AuthProvider above. */
export function useAuth(): UseAuth {
  const store = useContext(AuthContext);
  if (!store) throw new Error("useAuth needs an AuthProvider");
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const actions = useMemo(
    () => ({
      signIn: (name: string) => store.signIn(name),
      signOut: () => store.signOut(),
      api: store.fetch,
      accessToken: () => store.accessToken(),
      setUser: (user: ProfileView) => store.setUser(user),
      store,
    }),
    [store],
  );
  return { ...snapshot, ...actions };
}
