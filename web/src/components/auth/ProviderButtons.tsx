const NAMES: Record<string, string> = { google: "Google", github: "GitHub", microsoft: "Microsoft" };

/** The provider's name as people know it. */
function providerName(provider: string): string {
  return NAMES[provider] ?? provider.charAt(0).toUpperCase() + provider.slice(1);
}

/** "Continue with Google / GitHub / Microsoft" for the providers the server offers. */
export function ProviderButtons({ providers, returnTo }: { providers: readonly string[]; returnTo: string }) {
  if (providers.length === 0) return null;
  return (
    <ul className="flex flex-col gap-3">
      {providers.map((provider) => (
        <li key={provider}>
          <a
            href={`/api/auth/${encodeURIComponent(provider)}/start?return_to=${encodeURIComponent(returnTo)}`}
            className="inline-flex min-h-12 w-full items-center justify-center rounded-control border border-line-strong bg-surface-2 px-6 text-base font-semibold text-ink hover:bg-surface-3"
          >
            Continue with {providerName(provider)}
          </a>
        </li>
      ))}
    </ul>
  );
}
