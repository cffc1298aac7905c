/** Renders UI under an AuthProvider whose store talks to a FakeAuthServer. */

import { render, type RenderResult } from "@testing-library/react";
import type { ReactNode } from "react";
import { AuthProvider } from "../auth/AuthProvider";
import { AuthStore } from "../auth/authStore";
import { FakeAuthServer } from "./fakeAuthServer";

export type AuthHarness = RenderResult & { server: FakeAuthServer; store: AuthStore };

/**
 * `signedIn`: whether the fake browser holds a refresh cookie (the store restores the session
 * on mount). Add API routes on `server.routes` before rendering.
 */
export function renderWithAuth(ui: ReactNode, { signedIn = true, server = new FakeAuthServer() }: { signedIn?: boolean; server?: FakeAuthServer } = {}): AuthHarness {
  if (signedIn) server.signIn();
  const store = new AuthStore({ fetch: server.fetch as typeof fetch, locks: null, channel: null });
  const result = render(<AuthProvider store={store}>{ui}</AuthProvider>);
  return { ...result, server, store };
}
