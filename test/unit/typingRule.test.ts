/** The typing-indicator rule on an injected clock: changes at once, repeats and bursts bounded. */
import { TYPING_BURST, TypingRule } from "../../src/core/typing";
import { TYPING_REPEAT_MS } from "../../src/protocol";

test("a start goes out; a repeat inside the interval does not, one after it does; a stop goes out once", () => {
  const rule = new TypingRule();
  expect(rule.relay("ann", true, 0)).toBe(true);
  expect(rule.relay("ann", true, TYPING_REPEAT_MS - 1)).toBe(false);
  expect(rule.relay("ann", true, TYPING_REPEAT_MS)).toBe(true);
  expect(rule.relay("ann", false, TYPING_REPEAT_MS + 1)).toBe(true);
  expect(rule.relay("ann", false, TYPING_REPEAT_MS + 2)).toBe(false);
});

test("a stop with no start before it goes out as nothing", () => {
  expect(new TypingRule().relay("ann", false, 0)).toBe(false);
});

test(`toggling is bounded to ${TYPING_BURST} notices per interval, and the bound resets with the next interval`, () => {
  const rule = new TypingRule();
  const relayed = Array.from({ length: 20 }, (_, i) => rule.relay("ann", i % 2 === 0, i)).filter(Boolean);
  expect(relayed).toHaveLength(TYPING_BURST);
  expect(rule.relay("ann", true, TYPING_REPEAT_MS + 100)).toBe(true);
});

test("after a message, the next start goes out at once; a member who left starts afresh", () => {
  const rule = new TypingRule();
  expect(rule.relay("ann", true, 0)).toBe(true);
  rule.messageSent("ann");
  expect(rule.relay("ann", true, 10)).toBe(true);
  rule.memberLeft("ann");
  expect(rule.relay("ann", false, 20)).toBe(false);
  expect(rule.relay("bob", true, 20)).toBe(true);
});
