import { describe, expect, it } from "vitest";
import { atLeast, canManage, canRemove, roleLabel } from "./roles";

describe("roles", () => {
  it("orders member < admin < owner", () => {
    expect(atLeast("owner", "admin")).toBe(true);
    expect(atLeast("member", "admin")).toBe(false);
    expect(canManage("admin")).toBe(true);
    expect(canManage("member")).toBe(false);
    expect(roleLabel("owner")).toBe("Owner");
  });

  it("lets admins remove members only, owners anyone", () => {
    expect(canRemove("admin", "member")).toBe(true);
    expect(canRemove("admin", "admin")).toBe(false);
    expect(canRemove("owner", "owner")).toBe(true);
    expect(canRemove("member", "member")).toBe(false);
  });
});
