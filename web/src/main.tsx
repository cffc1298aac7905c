import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { testHook } from "./call/testHook";
import "./index.css";

// Present from the first moment so end-to-end tests can wait on it.
testHook();

const root = document.getElementById("root");
if (!root) throw new Error("missing #root");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
