/** The one builder of the member shape (rooms/memberShape), shared by member info, events and hooks. */
import { chatMember, GONE, memberInfo, unknownMember } from "../../rooms/memberShape";

const ann = { userId: "ann", userName: "Ann", joinedAt: 1000 };

describe("member shape", () => {
  test("the wire shape has fields only when given, as a copy", () => {
    expect(memberInfo(ann, { online: true, devices: 2 })).toEqual({
      userId: "ann",
      userName: "Ann",
      joinedAt: 1000,
      online: true,
      devices: 2,
    });
    expect("fields" in memberInfo(ann, GONE)).toBe(false);
    const fields = { team: "red" };
    const info = memberInfo(ann, GONE, fields);
    fields.team = "blue";
    expect(info.fields).toEqual({ team: "red" });
  });

  test("the hooks' shape always has fields ({} when none)", () => {
    expect(chatMember(ann, GONE)).toEqual({ userId: "ann", userName: "Ann", joinedAt: 1000, online: false, devices: 0, fields: {} });
    expect(chatMember(ann, GONE, { team: "red" }).fields).toEqual({ team: "red" });
  });

  test("a user the room does not know is named by its id and joined at 0", () => {
    expect(unknownMember("ghost")).toEqual({ userId: "ghost", userName: "ghost", joinedAt: 0 });
  });
});
