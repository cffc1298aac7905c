import type { ButtonHTMLAttributes, ReactNode, Ref } from "react";

type Variant = "primary" | "secondary" | "ghost" | "danger";
type Size = "md" | "lg";

const VARIANTS: Record<Variant, string> = {
  primary: "bg-accent text-white hover:bg-accent-hover disabled:bg-surface-4 disabled:text-ink-muted",
  secondary: "bg-surface-3 text-ink hover:bg-surface-4 disabled:text-ink-muted",
  ghost: "bg-transparent text-ink hover:bg-surface-3 disabled:text-ink-muted",
  danger: "bg-danger text-white hover:bg-danger-hover",
};

const SIZES: Record<Size, string> = {
  md: "min-h-tap px-4 text-sm gap-2",
  lg: "min-h-12 px-6 text-base gap-2.5",
};

export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: Variant;
  size?: Size;
  icon?: ReactNode;
  ref?: Ref<HTMLButtonElement>;
};

export function Button({ variant = "primary", size = "md", icon, className = "", children, type = "button", ...rest }: ButtonProps) {
  return (
    <button
      type={type}
      className={`inline-flex items-center justify-center rounded-control font-semibold whitespace-nowrap transition-colors duration-150 disabled:cursor-not-allowed ${VARIANTS[variant]} ${SIZES[size]} ${className}`}
      {...rest}
    >
      {icon ? <span aria-hidden="true" className="flex shrink-0 items-center">{icon}</span> : null}
      {children}
    </button>
  );
}
