import { type ReactNode, useEffect } from "react";
import { AuthContext } from "./authContext";
import type { AuthStore } from "./authStore";

/** Makes `store` available to `useAuth` below it and restores the session on mount. */
export function AuthProvider({ store, children }: { store: AuthStore; children: ReactNode }) {
  useEffect(() => {
    void store.start();
  }, [store]);
  return <AuthContext.Provider value={store}>{children}</AuthContext.Provider>;
}
