import { fireEvent, render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Avatar } from "./Avatar";

describe("Avatar", () => {
  it("shows initials without a picture", () => {
    const { container } = render(<Avatar name="Ada Lovelace" />);
    expect(container.textContent).toBe("AL");
    expect(container.querySelector("img")).toBeNull();
  });

  it("shows the picture, hidden from screen readers, and falls back to initials when it fails", () => {
    const { container } = render(<Avatar name="Ada Lovelace" imageUrl="https://images.example/ada.png" />);
    const img = container.querySelector("img");
    expect(img).toHaveAttribute("src", "https://images.example/ada.png");
    expect(img).toHaveAttribute("alt", "");
    expect(img).toHaveAttribute("referrerpolicy", "no-referrer");
    fireEvent.error(img!);
    expect(container.querySelector("img")).toBeNull();
    expect(container.textContent).toBe("AL");
  });

  it("ignores addresses that are not https", () => {
    const { container } = render(<Avatar name="Bob" imageUrl="http://images.example/bob.png" />);
    expect(container.querySelector("img")).toBeNull();
  });
});
