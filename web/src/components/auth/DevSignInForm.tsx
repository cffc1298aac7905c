import { LoaderCircle, LogIn } from "lucide-react";
import { type FormEvent, useRef, useState } from "react";
import { displayNameError } from "../../lib/displayName";
import { MAX_DISPLAY_NAME_CHARS } from "../../protocol/generated";
import { useAction } from "../../hooks/useAction";
import { Button } from "../ui/Button";
import { LiveMessage } from "../ui/LiveMessage";
import { TextField } from "../ui/TextField";

/** Sign-in by name, offered by development servers. */
export function DevSignInForm({ onSignIn }: { onSignIn(name: string): Promise<unknown> }) {
  const [name, setName] = useState("");
  const [nameError, setNameError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const action = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const error = displayNameError(name);
    setNameError(error);
    if (error) {
      inputRef.current?.focus();
      return;
    }
    void action.run(() => onSignIn(name.trim()));
  };

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4">
      <TextField
        label="Name"
        hint="Development server: signing in with the same name opens the same account."
        autoComplete="name"
        maxLength={MAX_DISPLAY_NAME_CHARS * 2}
        value={name}
        error={nameError}
        inputRef={inputRef}
        onChange={(e) => {
          setName(e.target.value);
          if (nameError) setNameError(null);
        }}
      />
      <Button
        type="submit"
        size="lg"
        aria-disabled={action.pending || undefined}
        icon={action.pending ? <LoaderCircle className="size-5 motion-safe:animate-spin" /> : <LogIn className="size-5" />}
      >
        Sign in
      </Button>
      <LiveMessage message={action.message} />
    </form>
  );
}
