import { House } from "lucide-react";
import { useEffect } from "react";
import { Button } from "../components/ui/Button";
import { Logo } from "../components/ui/Logo";
import { navigate } from "../routing";

export function NotFoundPage({ badCallLink }: { badCallLink: boolean }) {
  useEffect(() => {
    document.title = "Not found · PeerShare";
  }, []);
  return (
    <div className="flex min-h-full flex-col">
      <header className="mx-auto flex w-full max-w-6xl items-center px-5 py-5 sm:px-8">
        <Logo />
      </header>
      <main className="flex flex-1 items-center justify-center px-5 py-16">
        <div className="max-w-md text-center">
          <h1 className="text-3xl font-bold tracking-tight">{badCallLink ? "That call link isn't valid" : "Page not found"}</h1>
          <p className="mt-3 text-ink-muted">
            {badCallLink
              ? "Call codes use only letters, numbers, dashes and underscores. Check the link you were sent, or start a new call."
              : "There's nothing here. Start a call or join one from the home page."}
          </p>
          <Button className="mt-8" size="lg" icon={<House className="size-5" />} onClick={() => navigate("/")}>
            Back to home
          </Button>
        </div>
      </main>
    </div>
  );
}
