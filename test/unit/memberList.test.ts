import { MAX_MEMBER_PAGE, MemberList } from "../../src/core/memberList";

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `u${from + i}`);

describe("MemberList", () => {
  test("lists the first `cap` members by join order and keeps the rest waiting", () => {
    const list = new MemberList(3);
    expect(ids(1, 5).map((u) => list.add(u).listed)).toEqual([true, true, true, false, false]);
    expect(list.size).toBe(5);
    expect(ids(1, 5).filter((u) => list.isListed(u))).toEqual(ids(1, 3));
  });

  test("a listed member that leaves is replaced by the longest-present unlisted member", () => {
    const list = new MemberList(2);
    ids(1, 4).forEach((u) => list.add(u));
    expect(list.remove("u1")).toEqual({ wasListed: true, promoted: "u3" });
    expect(list.remove("u4")).toEqual({ wasListed: false });
    expect(list.remove("u2")).toEqual({ wasListed: true });
    expect(list.isListed("u3")).toBe(true);
    expect(list.remove("nobody")).toEqual({ wasListed: false });
  });

  test("pages walk every member once, in join order, and end with an empty nextFlag", () => {
    const list = new MemberList(500);
    ids(1, 250).forEach((u) => list.add(u));
    const seen: string[] = [];
    let flag = "";
    let pages = 0;
    do {
      const page = list.page(flag, 100);
      seen.push(...page.userIds);
      flag = page.nextFlag;
      pages++;
    } while (flag !== "" && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids(1, 250));
  });

  test("a walk stays valid while members leave and join: no one twice, newcomers at the end", () => {
    const list = new MemberList(10);
    ids(1, 6).forEach((u) => list.add(u));
    const first = list.page("", 3);
    expect(first.userIds).toEqual(ids(1, 3));
    list.remove("u2");
    list.remove("u4");
    list.add("u7");
    list.add("u2");
    const second = list.page(first.nextFlag, 100);
    expect(second).toEqual({ userIds: ["u5", "u6", "u7", "u2"], nextFlag: "" });
  });

  test("bad page arguments are refused naming the argument", () => {
    const list = new MemberList(5);
    expect(() => list.page("", 0)).toThrow(/count/);
    expect(() => list.page("", MAX_MEMBER_PAGE + 1)).toThrow(/count/);
    expect(() => list.page("abc", 10)).toThrow(/nextFlag/);
    expect(list.page("", MAX_MEMBER_PAGE)).toEqual({ userIds: [], nextFlag: "" });
  });

  test("a room is large once its members outnumber the cap", () => {
    const list = new MemberList(3);
    expect(list.isLarge(3)).toBe(false);
    expect(list.isLarge(4)).toBe(true);
  });
});
