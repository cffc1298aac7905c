import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { browserAuthChannel } from "./auth/authChannel";
import { AuthProvider } from "./auth/AuthProvider";
import { AuthStore } from "./auth/authStore";
import { browserLocks } from "./auth/refreshLock";
import { testHook } from "./call/testHook";
import "./index.css";

// Present from the first moment so end-to-end tests can wait on it.
testHook();

// One session store for the page; tabs coordinate refreshes through Web Locks and a BroadcastChannel.
const authStore = new AuthStore({ locks: browserLocks(), channel: browserAuthChannel() });

const root = document.getElementById("root");
if (!root) throw new Error("missing #root");
createRoot(root).render(
  <StrictMode>
    <AuthProvider store={authStore}>
      <App />
    </AuthProvider>
  </StrictMode>,
);
