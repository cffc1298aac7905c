import { CallPage } from "./pages/CallPage";
import { LandingPage } from "./pages/LandingPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { callIdFromPath } from "./lib/callId";
import { usePathname } from "./routing";

export function App() {
  const pathname = usePathname();
  if (pathname === "/" || pathname === "/index.html") return <LandingPage />;
  const callId = callIdFromPath(pathname);
  // A new key per call id gives each call a fresh session, media and state.
  if (callId) return <CallPage key={callId} callId={callId} />;
  return <NotFoundPage badCallLink={pathname.startsWith("/c/")} />;
}
