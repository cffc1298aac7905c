import { describe, expect, it } from "vitest";
import { describeCallStatus, isCallFull, mediaNodeMessage, participantCountLabel } from "./callStatus";

describe("describeCallStatus", () => {
  it.each([
    [0, 8, "No one else is here yet"],
    [1, 8, "1 person is in this call"],
    [3, 8, "3 people are in this call"],
    [8, 8, "This call is full"],
    [9, 8, "This call is full"],
    [2, 2, "This call is full"],
    [0, 0, "No one else is here yet"],
  ])("%i of %i → %s", (participants, capacity, text) => {
    expect(describeCallStatus({ participants, capacity, joinable: capacity === 0 || participants < capacity })).toBe(text);
  });

  it("is full when the server says no one more can join, below capacity", () => {
    const status = { participants: 2, capacity: 8, joinable: false };
    expect(isCallFull(status)).toBe(true);
    expect(describeCallStatus(status)).toBe("This call can't take more people right now (2 are in it)");
  });
});

describe("participantCountLabel", () => {
  it("is singular for one", () => expect(participantCountLabel(1)).toBe("1 participant"));
  it("is plural otherwise", () => {
    expect(participantCountLabel(2)).toBe("2 participants");
    expect(participantCountLabel(0)).toBe("0 participants");
  });
});

describe("mediaNodeMessage", () => {
  it("tells the one waiting that it takes a while and they join by themselves, and that a lost node is being replaced", () => {
    expect(mediaNodeMessage("starting")).toMatch(/getting the call ready.*join by yourself/i);
    expect(mediaNodeMessage("moving")).toMatch(/stopped.*another/i);
    expect(mediaNodeMessage(null)).toBeNull();
  });
});
