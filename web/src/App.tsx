import { CallPage } from "./pages/CallPage";
import { GroupPage } from "./pages/GroupPage";
import { GroupsPage } from "./pages/GroupsPage";
import { InvitePage } from "./pages/InvitePage";
import { LandingPage } from "./pages/LandingPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { ProfilePage } from "./pages/ProfilePage";
import { SignInPage } from "./pages/SignInPage";
import { matchRoute } from "./lib/routes";
import { usePathname } from "./routing";

export function App() {
  const route = matchRoute(usePathname());
  switch (route.page) {
    case "landing":
      return <LandingPage />;
    case "call":
      // A new key per call id gives each call a fresh session, media and state.
      return <CallPage key={route.callId} callId={route.callId} />;
    case "signin":
      return <SignInPage />;
    case "groups":
      return <GroupsPage />;
    case "group":
      return <GroupPage key={route.groupId} groupId={route.groupId} />;
    case "invite":
      return <InvitePage key={route.token} token={route.token} />;
    case "profile":
      return <ProfilePage />;
    case "notFound":
      return <NotFoundPage badCallLink={route.badCallLink} />;
  }
}
