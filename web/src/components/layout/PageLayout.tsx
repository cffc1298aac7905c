import { type ReactNode, useEffect } from "react";
import { SiteHeader } from "./SiteHeader";

/** An account page: the site header, then `children` in the main landmark; sets the tab title. */
export function PageLayout({ title, children }: { title: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · PeerShare`;
  }, [title]);
  return (
    <div className="flex min-h-full flex-col">
      <SiteHeader />
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-5xl flex-1 px-5 pt-4 pb-16 focus:outline-none sm:px-8 sm:pt-6">
        {children}
      </main>
    </div>
  );
}
